package io.nacosistio.bench;

import io.nacosistio.it.IstiodLikeClient.Received;
import io.nacosistio.it.NacosCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/cluster.sh}: three Nacos 3.1 members with the plugin, each in a JVM of its own
 * ({@link NacosCluster}); the Nacos clients of each member ({@link MemberClients}) register a third of the
 * services, and a measuring istiod-like stream on each member receives every ServiceEntry. Changes are made through the members in turn; for each, the time
 * from the registry call's return to each member's stream holding it (through the member that took it, and
 * through the two others, which Distro reaches). Then each member's heap after full collections. Writes
 * {@code RESULTS.md} to {@code --out}.
 *
 * <p>{@code --services N} (10000) {@code --endpoints M} (10) {@code --clients-per-member K} (20)
 * {@code --changes C} (150) {@code --interval-ms I} (300) {@code --member-heap H} (2g, as Nacos's start script
 * gives a cluster member) {@code --member-properties k=v,...} (none) {@code --out dir}.
 */
public final class ClusterBenchMain {

    private static final String MEMBERS_PATH = "/nacos/v3/admin/core/cluster/node/list";
    private static final int MEMBERS = 3;
    private static final int WARM_UP_CHANGES = 15;
    /** The plugin names every thread it starts so (its MCP server's event loops and executors among them). */
    private static final String PLUGIN_THREADS = "nacos-mesh-";
    private static final long SYNC_TIMEOUT_MILLIS = 600_000;

    private ClusterBenchMain() {
    }

    /** Parameters of one run. */
    record Config(int services, int endpoints, int clientsPerMember, int changes, long intervalMillis,
            String memberHeap, Map<String, String> memberProperties, Path out) {
    }

    /** What one member's stream saw, and the member's CPU during the changes and memory at the end. */
    record MemberResult(int member, double syncMillis, long responseBytes, Distribution sameMember,
            Distribution otherMembers, double changeCores, double changePluginCores, long heapUsedBytes,
            long rssBytes) {
    }

    /** The machine while the changes ran: busy cores in all, and the benchmark's own JVM. */
    record ChangePhase(double seconds, double machineBusyCores, double benchCores) {
    }

    /** One run's results. */
    record Run(Results.Machine machine, Config config, double bootSeconds, double fillSeconds,
            double replicatedSeconds, List<MemberResult> members, Distribution allSameMember,
            Distribution allOtherMembers, int undelivered, ChangePhase changePhase, Results.Load load,
            double seconds) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Config config = new Config(Integer.parseInt(a.getOrDefault("services", "10000")),
                Integer.parseInt(a.getOrDefault("endpoints", "10")),
                Integer.parseInt(a.getOrDefault("clients-per-member", "20")),
                Integer.parseInt(a.getOrDefault("changes", "150")),
                Long.parseLong(a.getOrDefault("interval-ms", "300")), a.getOrDefault("member-heap", "2g"),
                properties(a.getOrDefault("member-properties", "")),
                Paths.get(a.getOrDefault("out", "docs/benchmarks/cluster")).toAbsolutePath());
        Run run = run(config);
        Files.createDirectories(config.out());
        Path results = config.out().resolve("RESULTS.md");
        Files.writeString(results, ClusterReport.markdown(run));
        Log.info("wrote %s", results);
        System.exit(0);
    }

    /** {@code key=value,key=value}: Nacos properties every member gets besides the cluster's own. */
    private static Map<String, String> properties(String list) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : list.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--member-properties takes key=value pairs, got: " + pair);
            }
            properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return properties;
    }

    static Run run(Config config) throws Exception {
        long started = System.nanoTime();
        double loadBefore = MachineCpu.loadAverage();
        ThreadCpu cpuBefore = ThreadCpu.take();
        Log.info("booting %d Nacos 3.1 members (heap %s each)", MEMBERS, config.memberHeap());
        try (NacosCluster cluster = NacosCluster.start(ClusterBenchMember.class, "bench-cluster", MEMBERS_PATH, MEMBERS,
                config.memberProperties(), List.of("-Xmx" + config.memberHeap(), "-XX:+UseSerialGC"))) {
            double bootSeconds = (System.nanoTime() - started) / 1e9;
            int per = config.services() / MEMBERS;
            List<MemberClients> registries = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) {
                int share = m == MEMBERS - 1 ? config.services() - per * (MEMBERS - 1) : per;
                registries.add(new MemberClients(cluster.member(m).httpPort(), m * per, share,
                        config.clientsPerMember(), config.endpoints()));
            }
            try {
                Log.info("registering %d services x %d instances, a third through each member's %d clients",
                        config.services(), config.endpoints(), registries.get(0).clients());
                double fillSeconds = fill(registries);
                Log.info("registry filled in %.1f s", fillSeconds);
                double replicatedSeconds = awaitReplicated(cluster, config.services());
                Log.info("every member serves every service %.1f s after the fill", replicatedSeconds);

                List<ChangeTracker> trackers = new ArrayList<>();
                List<BenchStream> streams = new ArrayList<>();
                List<Received> fullSets = new ArrayList<>();
                for (int m = 0; m < MEMBERS; m++) {
                    ChangeTracker tracker = new ChangeTracker(MeshServer.PLUGIN);
                    BenchStream stream = BenchStream.subscribeSynced(MeshServer.PLUGIN, cluster.member(m).mcpPort(),
                            BenchStream.Mode.MEASURE, tracker, config.services(), SYNC_TIMEOUT_MILLIS, () -> { });
                    Received full = stream.firstWithAtLeast(config.services());
                    fullSets.add(full);
                    trackers.add(tracker);
                    streams.add(stream);
                    Log.info("member %d: stream holds %d ServiceEntries (%d bytes) %.0f ms after subscribing", m,
                            full.resourceCount(), full.sizeBytes(), millisSinceSubscribed(stream, full));
                }
                try {
                    Random random = new Random(7);
                    long seq = 1;
                    seq = change(registries, trackers, random, seq, WARM_UP_CHANGES, config.intervalMillis());
                    awaitDelivered(trackers);
                    trackers.forEach(ChangeTracker::clear);
                    Log.info("%d changes through the members in turn, one every %d ms", config.changes(),
                            config.intervalMillis());
                    ThreadCpu changesFrom = ThreadCpu.take();
                    double[] memberCpuFrom = membersCpuSeconds(cluster, "");
                    double[] pluginCpuFrom = membersCpuSeconds(cluster, PLUGIN_THREADS);
                    change(registries, trackers, random, seq, config.changes(), config.intervalMillis());
                    try {
                        awaitDelivered(trackers);
                    } catch (IllegalStateException e) {
                        Log.info("%s", e.getMessage());
                    }
                    ThreadCpu changesTo = ThreadCpu.take();
                    double[] memberCpuTo = membersCpuSeconds(cluster, "");
                    double[] pluginCpuTo = membersCpuSeconds(cluster, PLUGIN_THREADS);
                    double changeSeconds = changesTo.wallSecondsSince(changesFrom);
                    ChangePhase phase = new ChangePhase(changeSeconds, changesTo.machineBusyCoresSince(changesFrom),
                            changesTo.processSecondsSince(changesFrom) / changeSeconds);
                    int undelivered = trackers.stream().mapToInt(ChangeTracker::undelivered).sum();

                    List<MemberResult> members = new ArrayList<>();
                    List<Long> allSame = new ArrayList<>();
                    List<Long> allOther = new ArrayList<>();
                    for (int m = 0; m < MEMBERS; m++) {
                        List<Long> same = new ArrayList<>();
                        List<Long> other = new ArrayList<>();
                        for (ChangeTracker.Delivery d : trackers.get(m).deliveries()) {
                            int index = Integer.parseInt(d.service().substring(d.service().lastIndexOf('-') + 1));
                            int origin = Math.min(MEMBERS - 1, index / per);
                            (origin == m ? same : other).add(d.latencyNanos());
                        }
                        allSame.addAll(same);
                        allOther.addAll(other);
                        long pid = cluster.process(m).pid();
                        long heap = MemberMemory.heapUsedAfterFullGc(pid);
                        long rss = ProcessStats.rssBytes(pid);
                        Log.info("member %d: heap after full collections %d MB, resident %d MB", m, heap >> 20,
                                rss >> 20);
                        members.add(new MemberResult(m, millisSinceSubscribed(streams.get(m), fullSets.get(m)),
                                fullSets.get(m).sizeBytes(), Distribution.ofNanos(same), Distribution.ofNanos(other),
                                (memberCpuTo[m] - memberCpuFrom[m]) / changeSeconds,
                                (pluginCpuTo[m] - pluginCpuFrom[m]) / changeSeconds, heap, rss));
                    }
                    ThreadCpu cpuAfter = ThreadCpu.take();
                    Results.Load load = new Results.Load(loadBefore, MachineCpu.loadAverage(),
                            cpuAfter.machineBusyCoresSince(cpuBefore),
                            cpuAfter.processSecondsSince(cpuBefore) / cpuAfter.wallSecondsSince(cpuBefore));
                    return new Run(Environment.machine(), config, bootSeconds, fillSeconds, replicatedSeconds, members,
                            Distribution.ofNanos(allSame), Distribution.ofNanos(allOther), undelivered, phase, load,
                            (System.nanoTime() - started) / 1e9);
                } finally {
                    streams.forEach(BenchStream::close);
                }
            } finally {
                for (MemberClients r : registries) {
                    r.close();
                }
            }
        }
    }

    /**
     * Waits until every member's plugin serves every service (Distro still replicating the other members'
     * clients when the fill returns), with a counting stream on each that is closed again; returns the seconds
     * from the fill's end.
     */
    private static double awaitReplicated(NacosCluster cluster, int services) throws InterruptedException {
        long from = System.nanoTime();
        for (int m = 0; m < MEMBERS; m++) {
            BenchStream.subscribeSynced(MeshServer.PLUGIN, cluster.member(m).mcpPort(), BenchStream.Mode.COUNT, null,
                    services, SYNC_TIMEOUT_MILLIS, () -> { }).close();
        }
        return (System.nanoTime() - from) / 1e9;
    }

    private static double millisSinceSubscribed(BenchStream stream, Received full) {
        return (full.nanoTime() - stream.subscribedAtNanos()) / 1e6;
    }

    /** Each member's CPU seconds so far: the whole process with an empty prefix, else its threads of that name. */
    private static double[] membersCpuSeconds(NacosCluster cluster, String threadPrefix) {
        double[] seconds = new double[MEMBERS];
        for (int m = 0; m < MEMBERS; m++) {
            long pid = cluster.process(m).pid();
            seconds[m] = threadPrefix.isEmpty() ? ProcessStats.cpuSeconds(pid)
                    : ProcessStats.threadCpuSeconds(pid, threadPrefix);
        }
        return seconds;
    }

    /** Fills every member's share at once, each member's clients in turn, two calls at a time; returns seconds. */
    private static double fill(List<MemberClients> registries) throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(MEMBERS, Registry.named("bench-cluster-fill-"));
        try {
            List<Future<Double>> done = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) {
                MemberClients r = registries.get(m);
                done.add(pool.submit(() -> r.fill(2)));
            }
            for (Future<Double> f : done) {
                f.get(20, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** {@code count} changes, each through the next member to one of its services; returns the next seq. */
    private static long change(List<MemberClients> registries, List<ChangeTracker> trackers, Random random, long seq,
            int count, long intervalMillis) throws Exception {
        for (int i = 0; i < count; i++) {
            MemberClients through = registries.get((int) (seq % MEMBERS));
            through.change(random.nextInt(through.services()), seq, trackers);
            seq++;
            Thread.sleep(intervalMillis);
        }
        return seq;
    }

    private static void awaitDelivered(List<ChangeTracker> trackers) throws InterruptedException {
        BenchStream.await(() -> trackers.stream().allMatch(t -> t.undelivered() == 0), 60_000,
                () -> "changes not delivered within 60 s: " + trackers.stream().map(t -> Integer.toString(
                        t.undelivered())).toList());
    }
}
