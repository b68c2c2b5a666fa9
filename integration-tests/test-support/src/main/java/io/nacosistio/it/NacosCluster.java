package io.nacosistio.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nacosistio.quickstart.ClusterMembers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Nacos cluster on loopback: every member a Nacos with the plugin in a JVM of its own
 * ({@link ChildNacos}), in cluster mode ({@code nacos.standalone=false}) with the members named in each home's
 * {@code conf/cluster.conf} (file lookup), embedded Derby replicated over JRaft, Distro for ephemeral
 * instances. Every port a member uses is free and distinct: HTTP p, client gRPC p + 1000, cluster gRPC
 * p + 1001, JRaft p - 1000 (Nacos 2.3 and 3.1 derive all three from the main port), MCP and debug ports of
 * the plugin. A member can be stopped and started again on the same ports and data directory.
 *
 * <p>{@link #close()} stops every member and deletes every home directory.
 */
public final class NacosCluster implements AutoCloseable {

    /** Each member's JVM: three members, the test JVM and an istiod share the machine. */
    private static final List<String> MEMBER_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FORM_TIMEOUT_MILLIS = 120_000;

    /** One member: its ports and its home (data, conf/cluster.conf). */
    public record Member(int index, int httpPort, int mcpPort, int debugPort, Path home) {

        public int grpcPort() {
            return ClusterMembers.grpcPort(httpPort);
        }

        public int clusterGrpcPort() {
            return ClusterMembers.clusterGrpcPort(httpPort);
        }

        public int raftPort() {
            return ClusterMembers.raftPort(httpPort);
        }

        /** {@code 127.0.0.1:<http>}, as cluster.conf names it and as a Nacos client is given it. */
        public String address() {
            return ClusterMembers.address(httpPort);
        }
    }

    private final Class<? extends NacosLauncher.Provider> provider;
    private final String name;
    private final String membersPath;
    private final Path root;
    private final List<Member> members;
    private final Map<String, String> extraProperties;
    private final List<String> memberJvmOptions;
    private final ChildNacos[] running;
    private final int[] runs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NacosCluster(Class<? extends NacosLauncher.Provider> provider, String name, String membersPath, Path root,
            List<Member> members, Map<String, String> extraProperties, List<String> memberJvmOptions) {
        this.provider = provider;
        this.memberJvmOptions = List.copyOf(memberJvmOptions);
        this.name = name;
        this.membersPath = membersPath;
        this.root = root;
        this.members = members;
        this.extraProperties = extraProperties;
        this.running = new ChildNacos[members.size()];
        this.runs = new int[members.size()];
    }

    /**
     * Starts {@code size} members together and returns once every member serves clients and sees every member
     * UP; fails with the members' output otherwise (and stops what it started).
     *
     * @param provider    the test class whose {@link NacosLauncher} boots each member
     * @param name        names the members' log files, {@code target/child-nacos/<name>-<index>-<run>.log}
     * @param membersPath this Nacos version's HTTP path listing the cluster's members and their state
     * @param properties  extra Spring properties for every member
     */
    public static NacosCluster start(Class<? extends NacosLauncher.Provider> provider, String name, String membersPath,
            int size, Map<String, String> properties) throws IOException, InterruptedException {
        return start(provider, name, membersPath, size, properties, MEMBER_JVM);
    }

    /** As {@link #start(Class, String, String, int, Map)}, each member's JVM with these options (heap, collector). */
    public static NacosCluster start(Class<? extends NacosLauncher.Provider> provider, String name, String membersPath,
            int size, Map<String, String> properties, List<String> memberJvmOptions)
            throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("nacos-cluster");
        List<Member> members = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                // Also checks p - 1000 (JRaft), p + 1000 and p + 1001; never hands out a port twice.
                int httpPort = FreePorts.nacosPair();
                int mcpPort = FreePorts.any();
                int debugPort = FreePorts.any();
                members.add(new Member(i, httpPort, mcpPort, debugPort, root.resolve("member-" + i)));
            }
            List<Integer> httpPorts = members.stream().map(Member::httpPort).toList();
            for (Member member : members) {
                ClusterMembers.writeClusterConf(member.home(), httpPorts);
            }
        } catch (IOException | RuntimeException e) {
            TempDirs.delete(root);
            throw e;
        }
        NacosCluster cluster = new NacosCluster(provider, name, membersPath, root, members,
                new LinkedHashMap<>(properties), memberJvmOptions);
        long started = System.nanoTime();
        try {
            for (Member member : members) {
                cluster.launch(member.index());
            }
            for (Member member : members) {
                cluster.running[member.index()].awaitReady().awaitPluginListening(member.mcpPort(), 60_000);
            }
            cluster.awaitFormed(FORM_TIMEOUT_MILLIS);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        System.out.printf("Nacos cluster %s of %d members formed in %d ms: %s%n", name, size,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), cluster.describe());
        return cluster;
    }

    /** The Spring properties member {@code index} runs with. */
    public Map<String, String> properties(int index) {
        Member member = members.get(index);
        Map<String, String> properties = SharedNacos.pluginProperties(member.mcpPort(), member.debugPort());
        properties.putAll(ClusterMembers.memberProperties());
        properties.putAll(extraProperties);
        return properties;
    }

    private ChildNacos launch(int index) throws IOException {
        Member member = members.get(index);
        runs[index]++;
        String logName = name + "-" + index + (runs[index] == 1 ? "" : "-run" + runs[index]);
        running[index] = ChildNacos.launch(provider, logName, member.home(), member.httpPort(), properties(index),
                memberJvmOptions);
        return running[index];
    }

    public List<Member> members() {
        return members;
    }

    public Member member(int index) {
        return members.get(index);
    }

    public int size() {
        return members.size();
    }

    /** Every member's address, comma-separated: what a Nacos client that may use any member is given. */
    public String serverAddr() {
        return members.stream().map(Member::address).collect(Collectors.joining(","));
    }

    /** The running process of a member; fails if it is stopped. */
    public ChildNacos process(int index) {
        ChildNacos child = running[index];
        if (child == null) {
            throw new IllegalStateException("member " + index + " is stopped");
        }
        return child;
    }

    public boolean isRunning(int index) {
        return running[index] != null && running[index].isAlive();
    }

    /** Stops a member as an operator does (SIGTERM, Nacos's shutdown hooks run); its data stays. */
    public void stop(int index) {
        ChildNacos child = running[index];
        running[index] = null;
        if (child != null) {
            child.close();
        }
    }

    /**
     * Starts a stopped member again on its ports and data directory and returns once it serves clients;
     * the milliseconds from its JVM's start are its {@link ChildNacos#bootMillis()}.
     */
    public ChildNacos start(int index) throws IOException, InterruptedException {
        if (running[index] != null) {
            throw new IllegalStateException("member " + index + " is running");
        }
        try {
            ChildNacos child = launch(index).awaitReady();
            child.awaitPluginListening(members.get(index).mcpPort(), 60_000);
            return child;
        } catch (AssertionError e) {
            running[index] = null;
            throw e;
        }
    }

    /** Stops a member and starts it again; returns the new process once it serves clients. */
    public ChildNacos restart(int index) throws IOException, InterruptedException {
        stop(index);
        return start(index);
    }

    /**
     * Waits until every running member lists every member UP, and every member that is stopped as not UP: the
     * cluster's membership has settled.
     */
    public void awaitFormed(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Map<Integer, String> last = new LinkedHashMap<>();
        while (true) {
            boolean formed = true;
            for (Member member : members) {
                if (!isRunning(member.index())) {
                    continue;
                }
                String view;
                try {
                    Map<String, String> states = memberStates(member.index());
                    view = states.toString();
                    for (Member other : members) {
                        boolean up = "UP".equals(states.get(other.address()));
                        formed &= up == isRunning(other.index());
                    }
                } catch (IOException | RuntimeException e) {
                    view = e.toString();
                    formed = false;
                }
                last.put(member.index(), view);
            }
            if (formed) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Nacos cluster " + name + " did not settle within " + timeoutMillis
                        + " ms; each running member's view: " + last);
            }
            Thread.sleep(200);
        }
    }

    /** The members and their states ({@code UP}, {@code DOWN}, {@code SUSPICIOUS}) as member {@code index} sees them. */
    public Map<String, String> memberStates(int index) throws IOException, InterruptedException {
        JsonNode answer = JSON.readTree(get(members.get(index), membersPath));
        JsonNode list = answer.has("data") ? answer.path("data") : answer;
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode m : list) {
            states.put(m.path("ip").asText() + ":" + m.path("port").asInt(), m.path("state").asText());
        }
        return states;
    }

    private String get(Member member, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + member.httpPort() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " on member " + member.index() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    public String describe() {
        return members.stream().map(m -> m.index() + ": HTTP " + m.httpPort() + " gRPC " + m.grpcPort() + "/"
                + m.clusterGrpcPort() + " Raft " + m.raftPort() + " MCP " + m.mcpPort() + " debug " + m.debugPort()
                + (isRunning(m.index()) ? " pid " + running[m.index()].pid() : " stopped"))
                .collect(Collectors.joining("; "));
    }

    @Override
    public void close() {
        try {
            // Stopped together: a member waiting for its peers' answers while they shut down one by one would
            // take a Raft election timeout each.
            List<Thread> stopping = new ArrayList<>();
            for (Member member : members) {
                Thread t = new Thread(() -> stop(member.index()), "stop-" + name + "-" + member.index());
                t.start();
                stopping.add(t);
            }
            for (Thread t : stopping) {
                t.join(TimeUnit.SECONDS.toMillis(90));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            TempDirs.delete(root);
        }
    }
}
