package io.nacosistio.quickstart;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The quick start: a standalone Nacos 3.1 (HTTP 8848, gRPC 9848, embedded storage under
 * {@code ./work/nacos}, auth off) with nacos-istio-plugin serving MCP-over-XDS on 18848, then prints where
 * to point istiod. Any {@code --key=value} argument or {@code -Dkey=value} system property overrides a
 * default, e.g. {@code --nacos.server.main.port=8850} (gRPC follows at +1000) or
 * {@code -Dnacos.mesh.mcp.port=28848}; {@code -Dnacos.home} moves the data directory.
 */
public final class QuickStart {

    private static final String HTTP_PORT = "nacos.server.main.port";
    private static final String MCP_PORT = "nacos.mesh.mcp.port";
    private static final String DEBUG_PORT = "nacos.mesh.debug.port";

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("nacos.mesh.mcp.enabled", "true");
        properties.put(MCP_PORT, System.getProperty(MCP_PORT, "18848"));
        properties.put(DEBUG_PORT, System.getProperty(DEBUG_PORT, "18849"));
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            properties.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        int httpPort = Integer.parseInt(properties.getOrDefault(HTTP_PORT, System.getProperty(HTTP_PORT, "8848")));
        Path home = Paths.get(System.getProperty("nacos.home", "work/nacos")).toAbsolutePath();

        long started = System.nanoTime();
        Nacos31Server nacos = Nacos31Server.start(home, false, httpPort, properties);
        Runtime.getRuntime().addShutdownHook(new Thread(nacos::close, "nacos-quickstart-shutdown"));
        long bootMillis = (System.nanoTime() - started) / 1_000_000;

        String host = reachableAddress();
        String mcpPort = properties.get(MCP_PORT);
        System.out.println();
        System.out.println("Nacos 3.1 with nacos-istio-plugin is up in " + bootMillis + " ms (data in " + home + ")");
        System.out.println("  Nacos HTTP : http://" + host + ":" + httpPort + "/nacos");
        System.out.println("  Nacos gRPC : " + host + ":" + nacos.grpcPort());
        System.out.println("  MCP server : xds://" + host + ":" + mcpPort);
        System.out.println("  Debug view : http://127.0.0.1:" + properties.get(DEBUG_PORT) + "/debug/resources");
        System.out.println("Point istiod at it in its mesh config:");
        System.out.println("  configSources:");
        System.out.println("    - address: xds://" + host + ":" + mcpPort);
        System.out.println("Press Ctrl+C to stop.");
        Thread.currentThread().join();
    }

    /** The first private IPv4 address of this machine: what istiod elsewhere on the network can dial. */
    static String reachableAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall back to loopback
        }
        return "127.0.0.1";
    }
}
