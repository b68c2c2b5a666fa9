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
 */
public record IstiodOptions(String name, List<String> configSources, Duration keepaliveInterval, Duration syncTimeout) {

    /** istiod with one MCP config source and its default keepalive (30 s). */
    public static IstiodOptions mcp(String name, int mcpPort) {
        return new IstiodOptions(name, List.of("xds://127.0.0.1:" + mcpPort), Duration.ofSeconds(30),
                Duration.ofSeconds(60));
    }

    public IstiodOptions withKeepaliveInterval(Duration interval) {
        return new IstiodOptions(name, configSources, interval, syncTimeout);
    }

    public IstiodOptions withSyncTimeout(Duration timeout) {
        return new IstiodOptions(name, configSources, keepaliveInterval, timeout);
    }
}
