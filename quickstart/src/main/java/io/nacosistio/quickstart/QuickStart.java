package io.nacosistio.quickstart;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The quick start: a standalone Nacos 3.1 (HTTP 8848, gRPC 9848, embedded storage under
 * {@code ./work/nacos}) with nacos-istio-plugin serving MCP on 18848. Any {@code -Dnacos.*} system
 * property or {@code --key=value} argument overrides a default.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("nacos.mesh.mcp.enabled", "true");
        properties.put("nacos.mesh.mcp.port", System.getProperty("nacos.mesh.mcp.port", "18848"));
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                int eq = arg.indexOf('=');
                properties.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        int httpPort = Integer.parseInt(properties.getOrDefault("nacos.server.main.port",
                System.getProperty("nacos.server.main.port", "8848")));
        Path home = Paths.get(System.getProperty("nacos.home", "work/nacos")).toAbsolutePath();
        Nacos31Server nacos = Nacos31Server.start(home, false, httpPort, properties);
        Runtime.getRuntime().addShutdownHook(new Thread(nacos::close, "nacos-quickstart-shutdown"));
        String mcpPort = properties.get("nacos.mesh.mcp.port");
        System.out.println();
        System.out.println("Nacos 3.1 with nacos-istio-plugin is running (home " + home + ")");
        System.out.println("  Nacos HTTP  : http://127.0.0.1:" + httpPort + "/nacos");
        System.out.println("  Nacos gRPC  : 127.0.0.1:" + nacos.grpcPort());
        System.out.println("  MCP server  : xds://127.0.0.1:" + mcpPort);
        System.out.println("  Debug view  : http://127.0.0.1:" + properties.getOrDefault("nacos.mesh.debug.port", "18849")
                + "/debug/resources");
        System.out.println("Point istiod at it with meshConfig:");
        System.out.println("  configSources:");
        System.out.println("    - address: xds://<this-host>:" + mcpPort);
        System.out.println("    - address: k8s://");
        System.out.println("Press Ctrl+C to stop.");
        Thread.currentThread().join();
    }
}
