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
 * ({@link NacosCluster}); a Nacos client on each registers a third of the services, a measuring istiod-like stream
 * on each member receives every ServiceEntry. Changes are made through the members in turn; for each, the time
 * from the registry call's return to each member's stream holding it (through the member that took it, and
 * through the two others, which Distro reaches). Then each member's heap after full collections. Writes
 * {@code RESULTS.md} to {@code --out}.
 *
 * <p>{@code --services N} (10000) {@code --endpoints M} (10) {@code --changes C} (150) {@code --interval-ms I}
 * (300) {@code --member-heap H} (2g, as Nacos's start script gives a cluster member) {@code --out dir}.
 */
public final class ClusterBenchMain {

    private static final String MEMBERS_PATH = "/nacos/v3/admin/core/cluster/node/list";
    private static final int MEMBERS = 3;
    private static final int WARM_UP_CHANGES = 15;
    private static final long SYNC_TIMEOUT_MILLIS = 600_000;

    private ClusterBenchMain() {
    }

    /** Parameters of one run. */
    record Config(int services, int endpoints, int changes, long intervalMillis, String memberHeap, Path out) {
    }

    /** What one member's stream saw, and the member's memory at the end. */
    record MemberResult(int member, double syncMillis, Distribution sameMember, Distribution otherMembers,
            long heapUsedBytes, long rssBytes) {
    }

    /** One run's results. */
    record Run(Results.Machine machine, Config config, double bootSeconds, double fillSeconds,
            List<MemberResult> members, Distribution allSameMember, Distribution allOtherMembers, int undelivered,
            Results.Load load, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Config config = new Config(Integer.parseInt(a.getOrDefault("services", "10000")),
                Integer.parseInt(a.getOrDefault("endpoints", "10")), Integer.parseInt(a.getOrDefault("changes", "150")),
                Long.parseLong(a.getOrDefault("interval-ms", "300")), a.getOrDefault("member-heap", "2g"),
                Paths.get(a.getOrDefault("out", "docs/benchmarks/cluster")).toAbsolutePath());
        Run run = run(config);
        Files.createDirectories(config.out());
        Path results = config.out().resolve("RESULTS.md");
        Files.writeString(results, ClusterReport.markdown(run));
        Log.info("wrote %s", results);
        System.exit(0);
    }

    static Run run(Config config) throws Exception {
        long started = System.nanoTime();
        double loadBefore = MachineCpu.loadAverage();
        ThreadCpu cpuBefore = ThreadCpu.take();
        Log.info("booting %d Nacos 3.1 members (heap %s each)", MEMBERS, config.memberHeap());
        try (NacosCluster cluster = NacosCluster.start(ClusterBenchMember.class, "bench-cluster", MEMBERS_PATH, MEMBERS,
                Map.of(), List.of("-Xmx" + config.memberHeap(), "-XX:+UseSerialGC"))) {
            double bootSeconds = (System.nanoTime() - started) / 1e9;
            int per = config.services() / MEMBERS;
            List<Registry> registries = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) {
                int capacity = m == MEMBERS - 1 ? config.services() - per * (MEMBERS - 1) : per;
                registries.add(new Registry(cluster.member(m).httpPort(), m * per, capacity, config.endpoints(), 1,
                        Registry.SEQ_LABEL));
            }
            try {
                Log.info("registering %d services x %d instances, a third through each member", config.services(),
                        config.endpoints());
                double fillSeconds = fill(registries, config, per);
                Log.info("registry filled in %.1f s", fillSeconds);

                List<ChangeTracker> trackers = new ArrayList<>();
                List<BenchStream> streams = new ArrayList<>();
                List<Double> syncMillis = new ArrayList<>();
                for (int m = 0; m < MEMBERS; m++) {
                    ChangeTracker tracker = new ChangeTracker(MeshServer.PLUGIN);
                    BenchStream stream = BenchStream.subscribeSynced(MeshServer.PLUGIN, cluster.member(m).mcpPort(),
                            BenchStream.Mode.MEASURE, tracker, config.services(), SYNC_TIMEOUT_MILLIS, () -> { });
                    Received full = stream.firstWithAtLeast(config.services());
                    syncMillis.add((full.nanoTime() - stream.subscribedAtNanos()) / 1e6);
                    trackers.add(tracker);
                    streams.add(stream);
                    Log.info("member %d: stream holds %d ServiceEntries (%d bytes) %.0f ms after subscribing", m,
                            full.resourceCount(), full.sizeBytes(), syncMillis.get(m));
                }
                try {
                    Random random = new Random(7);
                    long seq = 1;
                    seq = change(registries, trackers, random, seq, WARM_UP_CHANGES, config.intervalMillis());
                    awaitDelivered(trackers);
                    trackers.forEach(ChangeTracker::clear);
                    Log.info("%d changes through the members in turn, one every %d ms", config.changes(),
                            config.intervalMillis());
                    change(registries, trackers, random, seq, config.changes(), config.intervalMillis());
                    try {
                        awaitDelivered(trackers);
                    } catch (IllegalStateException e) {
                        Log.info("%s", e.getMessage());
                    }
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
                        long rss = MemberMemory.residentBytes(pid);
                        Log.info("member %d: heap after full collections %d MB, resident %d MB", m, heap >> 20,
                                rss >> 20);
                        members.add(new MemberResult(m, syncMillis.get(m), Distribution.ofNanos(same),
                                Distribution.ofNanos(other), heap, rss));
                    }
                    ThreadCpu cpuAfter = ThreadCpu.take();
                    Results.Load load = new Results.Load(loadBefore, MachineCpu.loadAverage(),
                            cpuAfter.machineBusyCoresSince(cpuBefore),
                            cpuAfter.processSecondsSince(cpuBefore) / cpuAfter.wallSecondsSince(cpuBefore));
                    return new Run(Environment.machine(), config, bootSeconds, fillSeconds, members,
                            Distribution.ofNanos(allSame), Distribution.ofNanos(allOther), undelivered, load,
                            (System.nanoTime() - started) / 1e9);
                } finally {
                    streams.forEach(BenchStream::close);
                }
            } finally {
                for (Registry r : registries) {
                    r.close();
                }
            }
        }
    }

    /** Fills every member's share at once, two calls at a time per client; returns the elapsed seconds. */
    private static double fill(List<Registry> registries, Config config, int per) throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(MEMBERS, Registry.named("bench-cluster-fill-"));
        try {
            List<Future<Double>> done = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) {
                Registry r = registries.get(m);
                int count = m == MEMBERS - 1 ? config.services() - per * (MEMBERS - 1) : per;
                done.add(pool.submit(() -> r.fillTo(count, 2)));
            }
            for (Future<Double> f : done) {
                f.get(20, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** {@code count} changes, each through the next member's client to one of its services; returns the next seq. */
    private static long change(List<Registry> registries, List<ChangeTracker> trackers, Random random, long seq,
            int count, long intervalMillis) throws Exception {
        for (int i = 0; i < count; i++) {
            Registry through = registries.get((int) (seq % MEMBERS));
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
