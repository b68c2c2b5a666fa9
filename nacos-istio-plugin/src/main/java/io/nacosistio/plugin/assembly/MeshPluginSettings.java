package io.nacosistio.plugin.assembly;

import io.nacosistio.plugin.address.AddressSettings;
import io.nacosistio.plugin.convert.MappingOptions;
import io.nacosistio.plugin.convert.SelectionRules;
import io.nacosistio.plugin.reconcile.Debounce;
import io.nacosistio.plugin.server.ClientNetworks;
import io.nacosistio.plugin.server.McpServerOptions;

/**
 * Every {@code nacos.mesh.*} property the plugin reads, parsed and checked once at start. The
 * configuration reference (docs/configuration.md) lists the same names and defaults.
 */
public final class MeshPluginSettings {

    static final String PREFIX = "nacos.mesh.";
    private static final String BUILT_IN_ENABLED = "nacos.istio.mcp.server.enabled";
    private static final String BUILT_IN_PORT = "nacos.istio.mcp.server.port";

    final McpServerOptions server;
    final MappingOptions mapping;
    final Debounce debounce;
    final long resyncIntervalMillis;
    final long membershipCheckMillis;
    final int debugPort;
    final String debugBindAddress;
    final boolean configCenterEnabled;
    final String configGroup;
    final java.util.Set<String> configTags;
    final int configMaxContentBytes;
    final long configResyncIntervalMillis;
    /** The longest MCP answers are held at start until this node's data is complete; 0 turns the gate off. */
    final long readinessMaxWaitMillis;
    final AddressSettings addresses;
    private final boolean builtInModuleEnabled;
    private final int builtInModulePort;

    private MeshPluginSettings(PropertyReader p) {
        McpServerOptions.Builder server = McpServerOptions.builder()
                .port(p.port(PREFIX + "mcp.port", 18848))
                .bindAddress(p.string(PREFIX + "mcp.bind-address", "0.0.0.0"))
                .permitKeepAliveMillis(p.millis(PREFIX + "mcp.keepalive.permit-time", 10_000))
                .keepAliveMillis(p.millis(PREFIX + "mcp.keepalive.time", 60_000))
                .keepAliveTimeoutMillis(p.millis(PREFIX + "mcp.keepalive.timeout", 20_000))
                .maxInboundMessageBytes(p.bytes(PREFIX + "mcp.max-inbound-message-size", 64 * 1024 * 1024))
                .executorThreads(p.positiveInt(PREFIX + "mcp.executor-threads", 2));
        String cert = p.string(PREFIX + "mcp.tls.cert-chain-file", "");
        String key = p.string(PREFIX + "mcp.tls.private-key-file", "");
        if (!cert.isEmpty() || !key.isEmpty()) {
            if (cert.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException(PREFIX + "mcp.tls.cert-chain-file and " + PREFIX
                        + "mcp.tls.private-key-file must be set together");
            }
            server.tls(cert, key);
            server.tlsReloadMillis(p.millis(PREFIX + "mcp.tls.reload-interval", 10_000));
            String clientCa = p.string(PREFIX + "mcp.tls.client-ca-file", "");
            if (!clientCa.isEmpty()) {
                server.clientCertificates(clientCa, p.bool(PREFIX + "mcp.tls.client-certificate-required", false)
                        ? McpServerOptions.ClientCertificates.REQUIRE : McpServerOptions.ClientCertificates.OPTIONAL);
            }
        } else if (!p.string(PREFIX + "mcp.tls.client-ca-file", "").isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "mcp.tls.client-ca-file needs TLS: set " + PREFIX
                    + "mcp.tls.cert-chain-file and " + PREFIX + "mcp.tls.private-key-file");
        }
        try {
            server.allowedClients(ClientNetworks.parse(p.list(PREFIX + "mcp.allowed-clients",
                    ClientNetworks.PRIVATE_NETWORKS)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property " + PREFIX + "mcp.allowed-clients is invalid: "
                    + e.getMessage(), e);
        }
        this.server = server.build();
        String revision = p.string(PREFIX + "revision", "");
        if (!revision.matches("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")) {
            throw new IllegalArgumentException("property " + PREFIX + "revision=" + revision + " is invalid: expected "
                    + "an istiod revision, a label value of up to 63 letters, digits, '-', '_' or '.'");
        }
        this.mapping = MappingOptions.builder()
                .hostTemplate(p.string(PREFIX + "mapping.host-template", MappingOptions.DEFAULT_HOST_TEMPLATE))
                .domainSuffix(p.string(PREFIX + "mapping.domain-suffix", "nacos"))
                .keepCase(p.bool(PREFIX + "mapping.keep-case", false))
                .defaultProtocol(p.string(PREFIX + "mapping.default-protocol", "HTTP"))
                .portMetadataKey(p.string(PREFIX + "mapping.port-metadata-key", "istio.port"))
                .hostnameMetadataKey(p.string(PREFIX + "mapping.hostname-metadata-key", "istio.hostname"))
                .exportToMetadataKey(p.string(PREFIX + "mapping.export-to-metadata-key", "istio.exportTo"))
                .defaultExportTo(p.list(PREFIX + "mapping.default-export-to"))
                .namespaceMapping(p.pairs(PREFIX + "mapping.namespace-mapping"))
                .serveDubboConsumers(p.bool(PREFIX + "mapping.serve-dubbo-consumers", false))
                .aliasesMetadataKey(p.string(PREFIX + "mapping.aliases-metadata-key", "istio.aliases"))
                .revision(revision)
                .selection(SelectionRules.builder()
                        .includeNamespaces(p.list(PREFIX + "selector.namespaces.include"))
                        .excludeNamespaces(p.list(PREFIX + "selector.namespaces.exclude"))
                        .includeGroups(p.list(PREFIX + "selector.groups.include"))
                        .excludeGroups(p.list(PREFIX + "selector.groups.exclude"))
                        .includeServices(p.list(PREFIX + "selector.services.include"))
                        .excludeServices(p.list(PREFIX + "selector.services.exclude"))
                        .metadataKey(p.string(PREFIX + "selector.metadata-key", "istio.mesh"))
                        .optIn(p.bool(PREFIX + "selector.opt-in", false))
                        .build())
                .build();
        long quietPeriodMillis = p.millis(PREFIX + "index.quiet-period", 100);
        long maxDelayMillis = p.millis(PREFIX + "index.max-delay", 1000);
        resyncIntervalMillis = p.millis(PREFIX + "index.resync-interval", 300_000);
        membershipCheckMillis = p.millis(PREFIX + "index.membership-check-interval", 5_000);
        debugPort = p.port(PREFIX + "debug.port", 18849);
        debugBindAddress = p.string(PREFIX + "debug.bind-address", "127.0.0.1");
        if (debugPort > 0 && debugPort == this.server.port()) {
            throw new IllegalArgumentException(PREFIX + "mcp.port and " + PREFIX + "debug.port are both " + debugPort
                    + ": the MCP server and the debug endpoint each need a port of their own");
        }
        if (maxDelayMillis < quietPeriodMillis) {
            throw new IllegalArgumentException(PREFIX + "index.max-delay (" + maxDelayMillis
                    + " ms) must not be shorter than " + PREFIX + "index.quiet-period (" + quietPeriodMillis + " ms)");
        }
        debounce = Debounce.of(quietPeriodMillis, maxDelayMillis, p.bool(PREFIX + "index.leading-edge", true));
        configCenterEnabled = p.bool(PREFIX + "config.enabled", true);
        configGroup = p.string(PREFIX + "config.group", "istio");
        if (configCenterEnabled && configGroup.trim().isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "config.group must not be empty");
        }
        configTags = new java.util.LinkedHashSet<>(p.list(PREFIX + "config.tags",
                java.util.Arrays.asList("virtual-service", "destination-rule")));
        configMaxContentBytes = p.bytes(PREFIX + "config.max-content-size", 512 * 1024);
        configResyncIntervalMillis = p.millis(PREFIX + "config.resync-interval", 300_000);
        try {
            addresses = new AddressSettings(p.bool(PREFIX + "addresses.enabled", true),
                    p.string(PREFIX + "addresses.ipv4-pool", AddressSettings.DEFAULT_IPV4_POOL),
                    p.string(PREFIX + "addresses.ipv6-pool", ""),
                    p.millis(PREFIX + "addresses.hold-time", AddressSettings.DEFAULT_HOLD_MILLIS),
                    p.string(PREFIX + "addresses.metadata-key", AddressSettings.DEFAULT_METADATA_KEY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "addresses.*: " + e.getMessage(), e);
        }
        readinessMaxWaitMillis = p.millis(PREFIX + "readiness.max-wait", 120_000);
        builtInModuleEnabled = p.bool(BUILT_IN_ENABLED, false);
        builtInModulePort = p.port(BUILT_IN_PORT, 18848);
    }

    static MeshPluginSettings from(PropertyReader reader) {
        return new MeshPluginSettings(reader);
    }

    /**
     * Reads and checks every property; {@code properties} gives a property's value by name, or null when it is
     * not set.
     *
     * @throws IllegalArgumentException naming the property whose value is bad
     */
    public static MeshPluginSettings from(java.util.function.Function<String, String> properties) {
        return new MeshPluginSettings(new PropertyReader(properties));
    }

    /** Only one MCP server may own a port: refuse to start where Nacos's built-in module already has ours. */
    void checkNoConflictWithBuiltInModule() {
        if (builtInModuleEnabled && builtInModulePort == server.port()) {
            throw new IllegalStateException(BUILT_IN_ENABLED + "=true: Nacos's built-in istio module already serves "
                    + "MCP on port " + builtInModulePort + "; disable it, or set " + PREFIX
                    + "mcp.port to another port");
        }
    }
}
