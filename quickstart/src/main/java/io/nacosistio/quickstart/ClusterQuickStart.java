package io.nacosistio.quickstart;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The quick start's cluster ({@code bin/quickstart.sh --cluster}): three Nacos 3.1 members on loopback, each a
 * {@link QuickStart} in a JVM of its own with the plugin, in cluster mode with embedded storage replicated over
 * JRaft ({@link ClusterMembers}), data under {@code ./work/cluster/member-<n>}; a TCP balancer in front of the
 * three MCP ports stands in for the load-balanced address istiod is given in production. Prints every
 * member's addresses once the three see each other UP, and stops everything on Ctrl-C.
 *
 * <p>Options ({@code --name=value}): {@code --http-ports=8848,8858,8868}, {@code --mcp-ports=18848,18858,18868},
 * {@code --debug-ports=18849,18859,18869}, {@code --balancer-port=18840}, {@code --heap=512m}; any other
 * {@code --key=value} is a Nacos or plugin property given to every member. {@code -Dnacos.home} moves the data
 * directory (default {@code work/cluster}).
 */
public final class ClusterQuickStart {

    /** Printed once the cluster serves; what a script or test waits for. */
    public static final String READY = "Nacos cluster with nacos-istio-plugin is up";

    private static final String MEMBER_UP = "with nacos-istio-plugin is up in";
    private static final String MEMBERS_PATH = "/nacos/v3/admin/core/cluster/node/list";
    private static final long BOOT_TIMEOUT_SECONDS = 300;
    private static final Pattern UP_STATE = Pattern.compile("\"state\"\\s*:\\s*\"UP\"");

    private final List<Integer> httpPorts;
    private final List<Integer> mcpPorts;
    private final List<Integer> debugPorts;
    private final int balancerPort;
    private final String heap;
    private final Map<String, String> extra;
    private final Path root;
    private final List<Process> members = new ArrayList<>();
    private TcpBalancer balancer;

    private ClusterQuickStart(Map<String, String> options, Map<String, String> extra, Path root) {
        this.httpPorts = ports(options.getOrDefault("http-ports", "8848,8858,8868"));
        this.mcpPorts = ports(options.getOrDefault("mcp-ports", "18848,18858,18868"));
        this.debugPorts = ports(options.getOrDefault("debug-ports", "18849,18859,18869"));
        this.balancerPort = Integer.parseInt(options.getOrDefault("balancer-port", "18840"));
        this.heap = options.getOrDefault("heap", "512m");
        this.extra = extra;
        this.root = root;
        if (httpPorts.size() != mcpPorts.size() || httpPorts.size() != debugPorts.size() || httpPorts.size() < 3) {
            throw new IllegalArgumentException("give every member (three or more) an HTTP, an MCP and a debug port: "
                    + httpPorts + " " + mcpPorts + " " + debugPorts);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> extra = new LinkedHashMap<>();
        List<String> optionNames = List.of("http-ports", "mcp-ports", "debug-ports", "balancer-port", "heap");
        for (String arg : args) {
            if (arg.equals("--cluster")) {
                continue;
            }
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            String key = arg.substring(2, eq);
            (optionNames.contains(key) ? options : extra).put(key, arg.substring(eq + 1));
        }
        Path root = Paths.get(System.getProperty("nacos.home", "work/cluster")).toAbsolutePath();
        ClusterQuickStart cluster = new ClusterQuickStart(options, extra, root);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "nacos-cluster-quickstart-shutdown"));
        try {
            cluster.start();
        } catch (Exception | Error e) {
            System.err.println("The cluster did not start: " + e.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    private void start() throws IOException, InterruptedException {
        List<Integer> taken = allPorts().stream().filter(p -> !isFree(p)).toList();
        if (!taken.isEmpty()) {
            throw new IllegalStateException("ports in use: " + taken + " (a member takes its HTTP port p and p + 1000,"
                    + " p + 1001, p - 1000; give others with --http-ports, --mcp-ports, --debug-ports, --balancer-port)");
        }
        long started = System.nanoTime();
        List<CompletableFuture<Boolean>> ready = new ArrayList<>();
        for (int i = 0; i < httpPorts.size(); i++) {
            ready.add(launch(i));
        }
        for (int i = 0; i < ready.size(); i++) {
            boolean up;
            try {
                up = ready.get(i).get(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                up = false;
            }
            if (!up) {
                throw new IllegalStateException("member " + (i + 1) + " did not start; its output: " + log(i));
            }
        }
        awaitFormed();
        balancer = TcpBalancer.start(InetAddress.getLoopbackAddress(), balancerPort, mcpPorts);
        print(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Starts member {@code i}'s JVM; the future completes when it prints that it is up (false if it exits). */
    private CompletableFuture<Boolean> launch(int i) throws IOException {
        Path home = root.resolve("member-" + (i + 1));
        ClusterMembers.writeClusterConf(home, httpPorts);
        Map<String, String> properties = new LinkedHashMap<>(ClusterMembers.memberProperties());
        properties.put("nacos.server.main.port", Integer.toString(httpPorts.get(i)));
        properties.put("nacos.mesh.mcp.port", Integer.toString(mcpPorts.get(i)));
        properties.put("nacos.mesh.debug.port", Integer.toString(debugPorts.get(i)));
        properties.putAll(extra);
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), "-Dnacos.home=" + home,
                QuickStart.class.getName()));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        Files.createDirectories(home);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        members.add(process);
        CompletableFuture<Boolean> up = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyOutput(process, log(i), up), "member-" + (i + 1) + "-output");
        pump.setDaemon(true);
        pump.start();
        return up;
    }

    private void copyOutput(Process process, Path logFile, CompletableFuture<Boolean> up) {
        try {
            ProcessOutput.copy(process, logFile, line -> {
                if (line.contains(MEMBER_UP)) {
                    up.complete(true);
                }
            });
        } catch (IOException e) {
            // the member is gone; its future says so below
        } finally {
            up.complete(false);
        }
    }

    /** Waits until every member lists every member UP. */
    private void awaitFormed() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOT_TIMEOUT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean formed = true;
            for (int port : httpPorts) {
                try {
                    String body = http.send(HttpRequest.newBuilder(URI.create("http://" + ClusterMembers.HOST + ":" + port
                            + MEMBERS_PATH)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    Matcher up = UP_STATE.matcher(body);
                    int count = 0;
                    while (up.find()) {
                        count++;
                    }
                    formed &= count == httpPorts.size();
                    last = body;
                } catch (IOException e) {
                    formed = false;
                    last = e.toString();
                }
            }
            if (formed) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the members did not all see each other UP; last member list: " + last);
    }

    private void print(long millis) {
        String host = QuickStart.reachableAddress();
        StringBuilder out = new StringBuilder();
        out.append('\n').append(READY).append(" (").append(httpPorts.size()).append(" members in ").append(millis)
                .append(" ms, data in ").append(root).append(")\n");
        for (int i = 0; i < httpPorts.size(); i++) {
            int http = httpPorts.get(i);
            out.append(String.format("  member %d: HTTP http://%s:%d/nacos  gRPC %s:%d  MCP xds://%s:%d  debug"
                    + " http://127.0.0.1:%d/debug/resources  log %s%n", i + 1, ClusterMembers.HOST, http,
                    ClusterMembers.HOST, ClusterMembers.grpcPort(http), ClusterMembers.HOST, mcpPorts.get(i),
                    debugPorts.get(i), log(i)));
        }
        out.append("  load-balanced MCP (in front of every member's MCP port): xds://127.0.0.1:").append(balancerPort)
                .append('\n');
        out.append("Nacos clients: serverAddr=").append(httpPorts.stream().map(ClusterMembers::address)
                .collect(Collectors.joining(","))).append('\n');
        out.append("Point istiod at the load-balanced address (it moves to another member when one stops), or at any"
                + " one member's MCP address:\n");
        out.append("  configSources:\n    - address: xds://127.0.0.1:").append(balancerPort).append('\n');
        out.append("(istiod on another machine: xds://").append(host).append(":<a member's MCP port>; the balancer"
                + " listens on loopback only.) Press Ctrl+C to stop all members.\n");
        System.out.print(out);
        System.out.flush();
    }

    /** Stops the balancer and every member (SIGTERM, Nacos's shutdown hooks run), together. */
    private void stop() {
        if (balancer != null) {
            balancer.close();
        }
        for (Process p : members) {
            p.destroy();
        }
        for (Process p : members) {
            Processes.awaitExit(p, 60);
        }
    }

    private Path log(int i) {
        return root.resolve("member-" + (i + 1) + ".log");
    }

    private List<Integer> allPorts() {
        List<Integer> ports = new ArrayList<>();
        httpPorts.forEach(p -> ports.addAll(ClusterMembers.nacosPorts(p)));
        ports.addAll(mcpPorts);
        ports.addAll(debugPorts);
        ports.add(balancerPort);
        return ports;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Integer> ports(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
}
