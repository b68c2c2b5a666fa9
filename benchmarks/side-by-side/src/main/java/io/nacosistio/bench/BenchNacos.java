package io.nacosistio.bench;

import io.nacosistio.it.FreePorts;
import io.nacosistio.it.TempDirs;
import io.nacosistio.quickstart.Nacos31Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Nacos 3.1 in this JVM (as the quick start boots it) with this plugin, Nacos's built-in istio module,
 * both or neither, each on its own free port. The plugin runs with its defaults (quiet period 100 ms, max delay
 * 1 s); the built-in module with its own (debounce 100 ms, max 5 s).
 */
final class BenchNacos implements AutoCloseable {

    static final long QUIET_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 1000;

    private final Nacos31Server nacos;
    private final Path home;
    private final int pluginPort;
    private final int debugPort;
    private final int builtInPort;
    private final double bootSeconds;

    private BenchNacos(Nacos31Server nacos, Path home, int pluginPort, int debugPort, int builtInPort,
            double bootSeconds) {
        this.nacos = nacos;
        this.home = home;
        this.pluginPort = pluginPort;
        this.debugPort = debugPort;
        this.builtInPort = builtInPort;
        this.bootSeconds = bootSeconds;
    }

    static BenchNacos boot(boolean plugin, boolean builtIn) throws Exception {
        Path home = Files.createTempDirectory("nacos-bench");
        // Logs outlive the home directory when the orchestrator names a place for them.
        Path logs = Path.of(System.getProperty("bench.nacos.logs", home.resolve("logs").toString()));
        System.setProperty("nacos.logs.path", logs.resolve("server").toString());
        System.setProperty("JM.LOG.PATH", logs.resolve("client").toString());
        int httpPort = FreePorts.nacosPair();
        int pluginPort = FreePorts.any();
        int debugPort = FreePorts.any();
        int builtInPort = FreePorts.any();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("nacos.mesh.mcp.enabled", Boolean.toString(plugin));
        p.put("nacos.mesh.mcp.port", Integer.toString(pluginPort));
        p.put("nacos.mesh.debug.port", Integer.toString(debugPort));
        p.put("nacos.mesh.index.quiet-period", QUIET_MILLIS + "ms");
        p.put("nacos.mesh.index.max-delay", MAX_DELAY_MILLIS + "ms");
        // Nacos 3.1 loads its istio module only with the naming extension switched on.
        p.put("nacos.extension.naming.istio.enabled", Boolean.toString(builtIn));
        p.put("nacos.istio.mcp.server.enabled", Boolean.toString(builtIn));
        p.put("nacos.istio.mcp.server.port", Integer.toString(builtInPort));
        // Nacos gives its embedded Derby 3 s to open; a busy machine can take longer to boot it.
        p.put("db.pool.config.connectionTimeout", "60000");
        long started = System.nanoTime();
        Nacos31Server nacos;
        try {
            nacos = Nacos31Server.start(home, false, httpPort, p);
        } catch (Exception | Error e) {
            TempDirs.delete(home);
            throw e;
        }
        return new BenchNacos(nacos, home, pluginPort, debugPort, builtInPort, (System.nanoTime() - started) / 1e9);
    }

    int httpPort() {
        return nacos.httpPort();
    }

    int port(MeshServer server) {
        return server == MeshServer.PLUGIN ? pluginPort : builtInPort;
    }

    /**
     * Stops the plugin inside the running Nacos, as Nacos stops it on shutdown: its threads end, it leaves
     * Nacos's notify center and drops its index, so what it retained becomes garbage.
     */
    void stopPlugin() {
        nacos.coreContext().getBean(io.nacosistio.plugin.spring.MeshPluginLifecycle.class).stop();
    }

    int debugPort() {
        return debugPort;
    }

    double bootSeconds() {
        return bootSeconds;
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
