package io.nacosistio.it;

import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one Nacos a test JVM boots, with the plugin switched on, shared by every test class of the module:
 * Nacos keeps process-wide static state (its notify center, environment, executors), so a JVM cannot boot
 * a second one after closing the first, and one boot also saves tens of seconds per module.
 *
 * <p>Closed by JUnit at the end of the run, which also deletes the Nacos home directory.
 */
public final class SharedNacos implements ExtensionContext.Store.CloseableResource {

    /** The index's quiet period the shared Nacos runs with. */
    public static final long QUIET_MILLIS = 100;
    /** Services of groups matching this are left out of the mesh (the selector's exclude rule). */
    public static final String EXCLUDED_GROUP_PATTERN = "E2E_EXCLUDED*";
    public static final String EXCLUDED_GROUP = "E2E_EXCLUDED_GROUP";
    /** The istiod revision every served resource is labelled with. */
    public static final String REVISION = "e2e-canary";
    /** Empty services are removed this long after their last change (Nacos's default is 60 s). */
    public static final long EMPTY_SERVICE_EXPIRY_MILLIS = 5_000;
    /** Nacos runs its empty-service cleaner this long after boot, whatever the configured interval. */
    public static final long EMPTY_SERVICE_CLEANER_FIRST_RUN_MILLIS = 30_000;

    private final NacosUnderTest nacos;
    private final Path home;
    private final int mcpPort;
    private final int debugPort;
    private final long bootMillis;

    private SharedNacos(NacosUnderTest nacos, Path home, int mcpPort, int debugPort, long bootMillis) {
        this.nacos = nacos;
        this.home = home;
        this.mcpPort = mcpPort;
        this.debugPort = debugPort;
        this.bootMillis = bootMillis;
    }

    static SharedNacos boot(NacosLauncher launcher) throws Exception {
        int httpPort = FreePorts.nacosPair();
        int mcpPort = FreePorts.any();
        int debugPort = FreePorts.any();
        Path home = Files.createTempDirectory("nacos-it");
        // Nacos's and its client's log appenders may still write while the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.delete(home)));
        Map<String, String> properties = pluginProperties(mcpPort, debugPort);
        // Nacos gives its embedded Derby 3 s to open; on a busy machine (two builds on two cores) a first
        // boot takes longer and Nacos fails with "Login timeout exceeded".
        properties.put("db.pool.config.connectionTimeout", "60000");
        // Lets a test watch Nacos's own empty-service cleaner remove a service within the run.
        properties.put("nacos.naming.clean.empty-service.expired-time", Long.toString(EMPTY_SERVICE_EXPIRY_MILLIS));
        properties.put("nacos.naming.clean.empty-service.interval", "2000");
        // The Prometheus endpoint as operators switch it on: the distribution's conf/application.properties has
        // this line, commented out.
        properties.put("management.endpoints.web.exposure.include", "prometheus,health");
        // Embedded Derby boots slowly on a loaded machine; Nacos's 3 s default makes the boot fail there.
        properties.put("db.pool.config.connectionTimeout", "60000");
        long started = System.nanoTime();
        NacosUnderTest nacos;
        try {
            nacos = launcher.start(home, httpPort, properties);
        } catch (Exception | Error e) {
            TempDirs.delete(home);
            throw e;
        }
        long bootMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("Nacos %s with the plugin booted in %d ms (HTTP %d, gRPC %d, MCP %d)%n", nacos.version(),
                bootMillis, httpPort, nacos.grpcPort(), mcpPort);
        return new SharedNacos(nacos, home, mcpPort, debugPort, bootMillis);
    }

    /** The plugin's settings every Nacos under test runs with: on, on the given ports, a short quiet period. */
    public static Map<String, String> pluginProperties(int mcpPort, int debugPort) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("nacos.mesh.mcp.enabled", "true");
        properties.put("nacos.mesh.mcp.port", Integer.toString(mcpPort));
        properties.put("nacos.mesh.debug.port", Integer.toString(debugPort));
        properties.put("nacos.mesh.index.quiet-period", QUIET_MILLIS + "ms");
        properties.put("nacos.mesh.index.max-delay", "1s");
        properties.put("nacos.mesh.selector.groups.exclude", EXCLUDED_GROUP_PATTERN);
        properties.put("nacos.mesh.revision", REVISION);
        return properties;
    }

    public NacosUnderTest nacos() {
        return nacos;
    }

    public int mcpPort() {
        return mcpPort;
    }

    public int debugPort() {
        return debugPort;
    }

    public long bootMillis() {
        return bootMillis;
    }

    @Override
    public void close() {
        try {
            nacos.close();
        } finally {
            TempDirs.delete(home);
        }
    }
}
