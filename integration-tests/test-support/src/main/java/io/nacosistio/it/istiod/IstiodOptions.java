package io.nacosistio.it.istiod;

import java.time.Duration;
import java.util.List;

/**
 * How to run one istiod.
 *
 * @param name              names the log file, e.g. {@code plugin} or {@code built-in}
 * @param configSources     the mesh config's {@code configSources} addresses, e.g. {@code xds://127.0.0.1:18848}
 * @param keepaliveInterval istiod's {@code --keepaliveInterval}: how often its gRPC clients ping an idle stream
 * @param syncTimeout       how long to wait for the cache sync before failing
 * @param tls               the {@code tlsSettings} of each config source, by position; a missing or null entry is
 *                          plaintext
 * @param revision          istiod's {@code REVISION} (it keeps only resources of that revision or of none);
 *                          empty: no revision
 */
public record IstiodOptions(String name, List<String> configSources, Duration keepaliveInterval, Duration syncTimeout,
        List<ConfigSourceTls> tls, String revision) {

    public IstiodOptions(String name, List<String> configSources, Duration keepaliveInterval, Duration syncTimeout) {
        this(name, configSources, keepaliveInterval, syncTimeout, List.of(), "");
    }

    public IstiodOptions(String name, List<String> configSources, Duration keepaliveInterval, Duration syncTimeout,
            List<ConfigSourceTls> tls) {
        this(name, configSources, keepaliveInterval, syncTimeout, tls, "");
    }

    /** istiod with one config source per TLS setting, all dialling the same MCP port over TLS. */
    public static IstiodOptions mcpTls(String name, int mcpPort, List<ConfigSourceTls> sources) {
        List<String> addresses = sources.stream().map(s -> "xds://127.0.0.1:" + mcpPort).toList();
        return new IstiodOptions(name, addresses, Duration.ofSeconds(30), Duration.ofSeconds(60), sources);
    }

    /** The {@code tlsSettings} of the config source at {@code index}, or null for plaintext. */
    ConfigSourceTls tlsOf(int index) {
        return index < tls.size() ? tls.get(index) : null;
    }

    /** istiod with one MCP config source and its default keepalive (30 s). */
    public static IstiodOptions mcp(String name, int mcpPort) {
        return new IstiodOptions(name, List.of("xds://127.0.0.1:" + mcpPort), Duration.ofSeconds(30),
                Duration.ofSeconds(60));
    }

    public IstiodOptions withKeepaliveInterval(Duration interval) {
        return new IstiodOptions(name, configSources, interval, syncTimeout, tls, revision);
    }

    public IstiodOptions withSyncTimeout(Duration timeout) {
        return new IstiodOptions(name, configSources, keepaliveInterval, timeout, tls, revision);
    }

    public IstiodOptions withRevision(String istiodRevision) {
        return new IstiodOptions(name, configSources, keepaliveInterval, syncTimeout, tls, istiodRevision);
    }
}
