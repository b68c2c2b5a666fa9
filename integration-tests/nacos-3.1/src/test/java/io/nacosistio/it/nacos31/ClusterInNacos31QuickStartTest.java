package io.nacosistio.it.nacos31;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import io.nacosistio.it.FreePorts;
import io.nacosistio.it.IstiodLikeClient;
import io.nacosistio.it.TempDirs;
import io.nacosistio.quickstart.ClusterMembers;
import io.nacosistio.quickstart.ClusterQuickStart;
import io.nacosistio.quickstart.ProcessOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/quickstart.sh --cluster} as a person runs it ({@link ClusterQuickStart} in a process of its own, which
 * starts three members, each in a JVM of its own): a registration through member 1 with the Nacos client is served
 * by member 3's MCP port and through the load-balanced address, and stopping the command (SIGTERM, as Ctrl-C's
 * SIGINT does) stops every member. Runs in the matrix command, beside the cluster contract.
 */
@EnabledIfSystemProperty(named = "e2e.cluster.rolling", matches = "true",
        disabledReason = "three more Nacos JVMs: runs in e2e/run-matrix.sh (-De2e.cluster.rolling=true)")
class ClusterInNacos31QuickStartTest {

    private static final String SERVICE = "quickstart-cluster-check";

    @Test
    void aRegistrationThroughMemberOneIsServedByMemberThreeAndTheBalancerAndStoppingStopsEveryMember()
            throws Exception {
        List<Integer> http = new ArrayList<>();
        List<Integer> mcp = new ArrayList<>();
        List<Integer> debug = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            http.add(FreePorts.nacosPair());
            mcp.add(FreePorts.any());
            debug.add(FreePorts.any());
        }
        int balancer = FreePorts.any();
        Path home = Files.createTempDirectory("quickstart-cluster");
        Path output = Paths.get("target", "child-nacos", "quickstart-cluster.log").toAbsolutePath();
        Files.createDirectories(output.getParent());
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", testClassPath(), "-Dnacos.home=" + home, ClusterQuickStart.class.getName(), "--cluster",
                "--http-ports=" + join(http), "--mcp-ports=" + join(mcp), "--debug-ports=" + join(debug),
                "--balancer-port=" + balancer);
        Process quickstart = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<List<String>> printed = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread pump = new Thread(() -> readUntilReady(quickstart, output, lines, printed), "quickstart-cluster-output");
        pump.setDaemon(true);
        pump.start();
        try {
            List<String> banner = printed.get(400, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                int member = i;
                assertThat(banner).as("member " + (i + 1) + "'s addresses").anyMatch(l -> l.contains("member "
                        + (member + 1) + ": HTTP http://127.0.0.1:" + http.get(member)) && l.contains("MCP xds://127.0.0.1:"
                        + mcp.get(member)) && l.contains("gRPC 127.0.0.1:" + ClusterMembers.grpcPort(http.get(member))));
            }
            assertThat(banner).anyMatch(l -> l.contains("xds://127.0.0.1:" + balancer));
            List<ProcessHandle> members = quickstart.descendants().toList();
            assertThat(members).hasSize(3);

            Properties props = new Properties();
            props.put(PropertyKeyConst.SERVER_ADDR, ClusterMembers.address(http.get(0)));
            NamingService throughMemberOne = NamingFactory.createNamingService(props);
            try (IstiodLikeClient atMemberThree = IstiodLikeClient.connect("127.0.0.1", mcp.get(2), 0)
                    .subscribe(IstiodLikeClient.ISTIO_124_TYPES);
                 IstiodLikeClient throughBalancer = IstiodLikeClient.connect("127.0.0.1", balancer, 0)
                         .subscribe(IstiodLikeClient.ISTIO_124_TYPES)) {
                throughMemberOne.registerInstance(SERVICE, instance("10.128.0.1", 8080, 1, Map.of()));
                String host = SERVICE + ".default-group.public.nacos";
                atMemberThree.awaitServiceEntry(host, se -> se.getEndpointsCount() == 1
                        && se.getEndpoints(0).getAddress().equals("10.128.0.1"), 30_000);
                throughBalancer.awaitServiceEntry(host, se -> se.getEndpointsCount() == 1, 30_000);
            } finally {
                throughMemberOne.shutDown();
            }

            quickstart.destroy();
            assertThat(quickstart.waitFor(120, TimeUnit.SECONDS)).as("the command stops").isTrue();
            for (ProcessHandle member : members) {
                assertThat(member.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }
            for (int port : List.of(http.get(0), mcp.get(2), balancer)) {
                assertThat(isFree(port)).as("port " + port + " is released").isTrue();
            }
        } finally {
            quickstart.descendants().forEach(ProcessHandle::destroyForcibly);
            quickstart.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            TempDirs.delete(home);
        }
    }

    /** Copies the command's output to a file and completes with what it printed up to the banner's end. */
    private static void readUntilReady(Process process, Path output, List<String> lines,
            CompletableFuture<List<String>> printed) {
        boolean[] ready = {false};
        try {
            ProcessOutput.copy(process, output, line -> {
                ready[0] |= line.startsWith(ClusterQuickStart.READY);
                if (ready[0]) {
                    lines.add(line);
                    if (line.contains("Press Ctrl+C")) {
                        printed.complete(List.copyOf(lines));
                    }
                }
            });
        } catch (java.io.IOException e) {
            // the process is gone
        } finally {
            printed.completeExceptionally(new AssertionError("the command ended before it printed the cluster's"
                    + " addresses; its output is in " + output));
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String join(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
