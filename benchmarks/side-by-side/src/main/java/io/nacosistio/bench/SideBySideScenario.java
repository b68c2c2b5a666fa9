package io.nacosistio.bench;

import io.nacosistio.it.IstiodLikeClient.Received;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One Nacos 3.1 with both servers, one registry, the same clients on each server, measured phase by phase after
 * an unmeasured warm-up of registry changes: full sync and wire size (6, 7), idle (4), latency at one change per
 * second (1), churn (2, 3), and many streams with one stalled (8), the last once per server so that one server's
 * stalled stream does not load the other's measurement. Then the registry grows to the large size: full sync
 * there (6), and the heap the plugin retains (5), weighed before and after stopping the plugin in place.
 *
 * <p>Clients connect one after another: the built-in module builds every first response with a generator
 * object shared by all streams, and streams subscribing at the same moment fail with "Application error
 * processing RPC" (a ConcurrentModificationException in Nacos's log); so does a stream that subscribes before
 * the module built its first snapshot after registrations (a NullPointerException). A built-in stream that
 * fails that way is reconnected after a growing pause (at most eight attempts) and counted.
 */
final class SideBySideScenario {

    private static final long SYNC_TIMEOUT_MILLIS = 120_000;

    private final ScenarioConfig config;
    private final List<MeshServer> servers;
    private int builtInStreamFailures;

    SideBySideScenario(ScenarioConfig config) {
        this.config = config;
        this.servers = config.builtIn() ? List.of(MeshServer.PLUGIN, MeshServer.BUILT_IN) : List.of(MeshServer.PLUGIN);
    }

    Results.SideBySide run() throws Exception {
        long runStarted = System.nanoTime();
        double loadBefore = MachineCpu.loadAverage();
        ThreadCpu runCpu = ThreadCpu.take();
        Log.info("booting Nacos 3.1 with %s", config.builtIn() ? "the plugin and the built-in module" : "the plugin");
        try (BenchNacos nacos = BenchNacos.boot(true, config.builtIn());
             Registry registry = new Registry(nacos.httpPort(), Math.max(config.services(), config.largeServices()),
                     config.endpoints(), 2, Registry.SEQ_LABEL)) {
            Log.info("Nacos up in %.1f s; registering %d services x %d instances", nacos.bootSeconds(),
                    config.services(), config.endpoints());
            double fillSeconds = registry.fillTo(config.services(), 8);
            Log.info("registry filled in %.1f s", fillSeconds);
            for (MeshServer server : servers) {
                connectSynced(nacos, server, BenchStream.Mode.COUNT, null, config.services()).close();
            }
            PluginMetrics metrics = new PluginMetrics(nacos.debugPort());
            ChangeDriver driver = new ChangeDriver(registry::services);

            Map<MeshServer, ChangeTracker> trackers = new EnumMap<>(MeshServer.class);
            Map<MeshServer, List<BenchStream>> clients = new EnumMap<>(MeshServer.class);
            for (MeshServer server : servers) {
                trackers.put(server, new ChangeTracker(server));
                clients.put(server, connect(nacos, server, config.clients(), trackers.get(server)));
            }
            Log.info("warm-up: %d changes at %.0f/s, not measured", config.warmUpChanges(), config.churnRate());
            ChangeDriver.Outcome warmUp = driver.run(config.churnRate(), config.warmUpChanges(),
                    registry.changes(List.copyOf(trackers.values())));
            awaitDelivered(trackers.values(), 60_000);
            trackers.values().forEach(ChangeTracker::clear);
            Log.info("warm-up made %d changes in %.1f s", warmUp.applied(), warmUp.seconds());
            Map<MeshServer, Results.FullSync> fullSync = fullSync(nacos, config.services());
            Thread.sleep(5000);

            Log.info("idle: %d clients per server, %d s", config.clients(), config.idleSeconds());
            ThreadCpu idleStart = ThreadCpu.take();
            Thread.sleep(config.idleSeconds() * 1000L);
            ThreadCpu idleEnd = ThreadCpu.take();
            Map<String, Double> idleGroups = idleEnd.secondsByGroupSince(idleStart);
            double idleWall = idleEnd.wallSecondsSince(idleStart);

            Log.info("latency: %d changes at one per second", config.latencyChanges());
            Map<String, Double> m0 = metrics.read();
            ChangeDriver.Outcome latencyRun = driver.run(1.0, config.latencyChanges(),
                    registry.changes(List.copyOf(trackers.values())));
            awaitDelivered(trackers.values(), 30_000);
            Map<String, Double> latencyCounters = PluginMetrics.delta(m0, metrics.read());
            Map<MeshServer, Results.Latency> latency = new EnumMap<>(MeshServer.class);
            for (MeshServer server : servers) {
                latency.put(server, latency(trackers.get(server), clients.get(server), latencyRun.applied(),
                        latencyCounters, server));
                trackers.get(server).clear();
            }

            int churnCount = (int) Math.round(config.churnRate() * config.churnSeconds());
            Log.info("churn: %.0f changes/s for %d s", config.churnRate(), config.churnSeconds());
            Map<BenchStream, long[]> countersBefore = counters(clients);
            ThreadCpu churnStart = ThreadCpu.take();
            Map<String, Double> c0 = metrics.read();
            ChangeDriver.Outcome churnRun = driver.run(config.churnRate(), churnCount,
                    registry.changes(List.copyOf(trackers.values())));
            Map<BenchStream, long[]> countersAfter = counters(clients);
            // The built-in module sends at most every 5 s under churn: wait for both to deliver everything.
            awaitDelivered(trackers.values(), 30_000);
            ThreadCpu churnEnd = ThreadCpu.take();
            Map<String, Double> churnCounters = PluginMetrics.delta(c0, metrics.read());
            Map<String, Double> churnGroups = churnEnd.secondsByGroupSince(churnStart);
            Map<String, Double> churnThreads = churnEnd.secondsByThreadSince(churnStart);
            Log.info("churn made %d changes (%d skipped) in %.1f s", churnRun.applied(), churnRun.skipped(),
                    churnRun.seconds());
            Map<MeshServer, Results.Churn> churn = new EnumMap<>(MeshServer.class);
            Map<MeshServer, Results.Idle> idle = new EnumMap<>(MeshServer.class);
            for (MeshServer server : servers) {
                churn.put(server, churn(server, trackers.get(server), clients.get(server), countersBefore,
                        countersAfter, churnRun, churnGroups, churnThreads));
                double own = ThreadGroups.ownSeconds(server, idleGroups);
                idle.put(server, new Results.Idle(config.clients(), idleWall, own, 100 * own / idleWall,
                        topThreads(idleEnd.secondsByThreadSince(idleStart), server)));
            }
            clients.values().forEach(list -> list.forEach(BenchStream::close));
            // The heap is weighed for the whole JVM in the stall phase: let both servers work off the churn first.
            Thread.sleep(10_000);

            Map<MeshServer, Results.Stall> stall = new EnumMap<>(MeshServer.class);
            for (MeshServer server : servers) {
                stall.put(server, stall(nacos, server, driver, registry));
            }

            Log.info("large: registering services up to %d x %d instances", config.largeServices(), config.endpoints());
            double extendSeconds = registry.fillTo(config.largeServices(), 8);
            Log.info("large: registry extended in %.1f s", extendSeconds);
            Map<MeshServer, Results.FullSync> fullSyncLarge = fullSync(nacos, config.largeServices());
            Results.PluginHeap pluginHeap = pluginHeap(nacos, extendSeconds);

            List<Results.ServerResults> perServer = new ArrayList<>();
            for (MeshServer server : servers) {
                perServer.add(new Results.ServerResults(server.label(), fullSync.get(server), latency.get(server),
                        churn.get(server), idle.get(server), stall.get(server), fullSyncLarge.get(server)));
            }
            ThreadCpu runEnd = ThreadCpu.take();
            Results.Load load = new Results.Load(loadBefore, MachineCpu.loadAverage(),
                    runEnd.machineBusyCoresSince(runCpu), runEnd.processSecondsSince(runCpu) / runEnd.wallSecondsSince(runCpu));
            return new Results.SideBySide(Environment.machine(), config.services(), config.endpoints(),
                    nacos.bootSeconds(), fillSeconds, config.clients(), warmUp.applied(), warmUp.seconds(),
                    config.churnRate(), config.churnSeconds(),
                    churnRun.applied(), churnRun.applied() / (churnCount / config.churnRate()),
                    idleEnd.processSecondsSince(idleStart) / idleWall, idleGroups, churnCounters, perServer,
                    pluginHeap, builtInStreamFailures, load,
                    (System.nanoTime() - runStarted) / 1e9);
        }
    }

    /** A new client per run and server, alternating servers; time from subscribing to the full ServiceEntry set. */
    private Map<MeshServer, Results.FullSync> fullSync(BenchNacos nacos, int services) throws InterruptedException {
        Map<MeshServer, List<Double>> millis = new EnumMap<>(MeshServer.class);
        Map<MeshServer, Long> bytes = new EnumMap<>(MeshServer.class);
        for (int run = 0; run < config.fullSyncRuns(); run++) {
            for (MeshServer server : servers) {
                try (BenchStream client = connectSynced(nacos, server, BenchStream.Mode.COUNT, null, services)) {
                    Received full = client.firstWithAtLeast(services);
                    millis.computeIfAbsent(server, s -> new ArrayList<>())
                            .add((full.nanoTime() - client.subscribedAtNanos()) / 1e6);
                    bytes.put(server, (long) full.sizeBytes());
                }
            }
        }
        Map<MeshServer, Results.FullSync> result = new EnumMap<>(MeshServer.class);
        int endpoints = services * config.endpoints();
        for (MeshServer server : servers) {
            Distribution d = Distribution.ofMillis(millis.get(server));
            result.put(server, new Results.FullSync(services, endpoints, millis.get(server), d.p50(),
                    bytes.get(server), (double) bytes.get(server) / endpoints));
            Log.info("%s: full sync of %d services in %s ms, %d bytes", server.label(), services,
                    millis.get(server), bytes.get(server));
        }
        return result;
    }

    /** Connects {@code count} clients one after another, the first one measuring, each holding every service. */
    private List<BenchStream> connect(BenchNacos nacos, MeshServer server, int count, ChangeTracker tracker)
            throws InterruptedException {
        List<BenchStream> list = new ArrayList<>();
        list.add(connectSynced(nacos, server, BenchStream.Mode.MEASURE, tracker, config.services()));
        while (list.size() < count) {
            list.add(connectSynced(nacos, server, BenchStream.Mode.COUNT, null, config.services()));
        }
        return list;
    }

    /** One client that holds every service; built-in streams that failed while subscribing are counted. */
    private BenchStream connectSynced(BenchNacos nacos, MeshServer server, BenchStream.Mode mode, ChangeTracker tracker,
            int services) throws InterruptedException {
        return BenchStream.subscribeSynced(server, nacos.port(server), mode, tracker, services, SYNC_TIMEOUT_MILLIS,
                () -> builtInStreamFailures++);
    }

    /** Measurement 5: heap after full collections with the plugin running, then after stopping it. */
    private Results.PluginHeap pluginHeap(BenchNacos nacos, double extendSeconds) throws InterruptedException {
        Thread.sleep(3000);
        long with = Memory.heapAfterGc();
        nacos.stopPlugin();
        Thread.sleep(3000);
        long without = Memory.heapAfterGc();
        int threadsLeft = (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("nacos-mesh-")).count();
        int endpoints = config.largeServices() * config.endpoints();
        Results.PluginHeap result = new Results.PluginHeap(config.largeServices(), endpoints, extendSeconds, with,
                without, (with - without) / (double) endpoints, threadsLeft);
        Log.info("plugin heap: %d MB with the plugin, %d MB after stopping it: %.0f bytes per endpoint "
                + "(%d plugin threads left)", with >> 20, without >> 20, result.bytesPerEndpoint(), threadsLeft);
        return result;
    }

    private static void awaitDelivered(Iterable<ChangeTracker> trackers, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        for (ChangeTracker t : trackers) {
            while (t.undelivered() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    private Results.Latency latency(ChangeTracker tracker, List<BenchStream> clients, int changes,
            Map<String, Double> counters, MeshServer server) {
        List<ChangeTracker.Delivery> deliveries = tracker.deliveries();
        List<Long> measuring = deliveries.stream().map(ChangeTracker.Delivery::latencyNanos).collect(Collectors.toList());
        List<Long> all = new ArrayList<>();
        for (BenchStream c : clients) {
            all.addAll(deliveryLatencies(deliveries, tracker, c));
        }
        boolean plugin = server == MeshServer.PLUGIN;
        Results.Latency result = new Results.Latency(Distribution.ofNanos(measuring), Distribution.ofNanos(all),
                changes, tracker.undelivered(),
                plugin ? counters.getOrDefault(PluginMetrics.CONVERSIONS, 0.0) / changes : Double.NaN,
                plugin ? counters.getOrDefault(PluginMetrics.READS, 0.0) / changes : Double.NaN,
                plugin ? counters.getOrDefault(PluginMetrics.SNAPSHOTS, 0.0) / changes : Double.NaN);
        Log.info("%s: latency p50 %.0f ms, p99 %.0f ms over %d changes (%d streams: p99 %.0f ms)", server.label(),
                result.measuringStream().p50(), result.measuringStream().p99(), result.measuringStream().count(),
                clients.size(), result.allStreams().p99());
        return result;
    }

    /**
     * When each change reached another client: at the first ServiceEntry response carrying the version in which
     * the measuring client first saw the change, or any version the measuring client received after it.
     * Responses with a version the measuring client never saw are passed over.
     */
    static List<Long> deliveryLatencies(List<ChangeTracker.Delivery> deliveries, ChangeTracker tracker,
            BenchStream client) {
        List<Received> arrivals = client.serviceEntryArrivals();
        List<Long> result = new ArrayList<>();
        for (ChangeTracker.Delivery d : deliveries) {
            int order = tracker.orderOf(d.version());
            for (Received a : arrivals) {
                if (tracker.orderOf(a.version()) >= order) {
                    result.add(Math.max(0, a.nanoTime() - d.writtenAtNanos()));
                    break;
                }
            }
        }
        return result;
    }

    private static Map<BenchStream, long[]> counters(Map<MeshServer, List<BenchStream>> clients) {
        Map<BenchStream, long[]> m = new LinkedHashMap<>();
        clients.values().forEach(list -> list.forEach(c -> m.put(c, new long[] {c.serviceEntryResponses(), c.bytes()})));
        return m;
    }

    private Results.Churn churn(MeshServer server, ChangeTracker tracker, List<BenchStream> clients,
            Map<BenchStream, long[]> before, Map<BenchStream, long[]> after, ChangeDriver.Outcome run,
            Map<String, Double> groups, Map<String, Double> threads) {
        double responses = 0;
        double bytes = 0;
        for (BenchStream c : clients) {
            responses += after.get(c)[0] - before.get(c)[0];
            bytes += after.get(c)[1] - before.get(c)[1];
        }
        double seconds = run.seconds();
        double perStreamResponses = responses / clients.size() / seconds;
        double perStreamBytes = bytes / clients.size() / seconds;
        List<Long> staleness = tracker.deliveries().stream().map(ChangeTracker.Delivery::latencyNanos)
                .collect(Collectors.toList());
        double own = ThreadGroups.ownSeconds(server, groups);
        Results.Churn result = new Results.Churn(perStreamResponses, perStreamBytes,
                bytes / clients.size() / run.applied(), Distribution.ofNanos(staleness), tracker.undelivered(), own,
                own / run.applied() * 1000, groups, topThreads(threads, server));
        Log.info("%s: churn %.2f responses/stream/s, %.0f bytes/stream/s, staleness p99 %.0f ms, CPU %.2f s "
                        + "(%.3f s per 1000 changes)", server.label(), perStreamResponses, perStreamBytes,
                result.staleness().p99(), own, result.cpuSecondsPer1000Changes());
        return result;
    }

    /** The server's own threads with the most CPU, busiest first (at most eight). */
    private static Map<String, Double> topThreads(Map<String, Double> threads, MeshServer server) {
        Map<String, Double> own = new TreeMap<>();
        threads.forEach((name, seconds) -> {
            String group = ThreadGroups.of(name);
            boolean mine = server == MeshServer.PLUGIN ? group.equals(ThreadGroups.PLUGIN)
                    : group.equals(ThreadGroups.BUILT_IN) || group.equals(ThreadGroups.BUILT_IN_SPIN);
            if (mine) {
                own.merge(name.replaceAll("-\\d+$", "-N"), seconds, Double::sum);
            }
        });
        Map<String, Double> top = new LinkedHashMap<>();
        own.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    /**
     * Measurement 8 against one server: many streams receive changes, first all reading, then with one more stream
     * that never reads; the others' latency in both rounds, and what the stalled one receives once it reads.
     */
    private Results.Stall stall(BenchNacos nacos, MeshServer server, ChangeDriver driver, Registry registry)
            throws Exception {
        Log.info("%s: %d streams, one stalled, %d changes at one per second", server.label(), config.stallStreams(),
                config.stallChanges());
        ChangeTracker tracker = new ChangeTracker(server);
        List<BenchStream> clients = connect(nacos, server, config.stallStreams() - 1, tracker);
        boolean plugin = server == MeshServer.PLUGIN;
        try {
            // The same streams and changes without a stalled stream first: what "keeping their latency" compares to.
            driver.run(1.0, config.stallChanges(), registry.changes(List.of(tracker)));
            awaitDelivered(List.of(tracker), 30_000);
            List<ChangeTracker.Delivery> baseline = tracker.deliveries();
            List<Long> before = new ArrayList<>();
            for (BenchStream c : clients) {
                before.addAll(deliveryLatencies(baseline, tracker, c));
            }
            tracker.clear();
            Distribution beforeStall = Distribution.ofNanos(before);
            Log.info("%s: %d streams, none stalled: latency p50 %.0f / p99 %.0f ms", server.label(), clients.size(),
                    beforeStall.p50(), beforeStall.p99());
            BenchStream stalled = new BenchStream(server, nacos.port(server), BenchStream.Mode.STALL, null);
            clients.add(stalled);
            Thread.sleep(2000);
            long heapBefore = Memory.heapAfterGc();
            long directBefore = plugin ? Memory.pluginGrpcBuffers() : Memory.nacosGrpcBuffers();
            long[] directMax = {directBefore};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    directMax[0] = Math.max(directMax[0], plugin ? Memory.pluginGrpcBuffers() : Memory.nacosGrpcBuffers());
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-memory-sampler");
            sampler.setDaemon(true);
            sampler.start();
            ThreadCpu cpuStart = ThreadCpu.take();
            ChangeDriver.Outcome run = driver.run(1.0, config.stallChanges(), registry.changes(List.of(tracker)));
            awaitDelivered(List.of(tracker), 30_000);
            Map<String, Double> cpu = ThreadCpu.take().secondsByGroupSince(cpuStart);
            sampler.interrupt();
            sampler.join();
            long heapAfter = Memory.heapAfterGc();
            long directAfter = plugin ? Memory.pluginGrpcBuffers() : Memory.nacosGrpcBuffers();
            List<ChangeTracker.Delivery> deliveries = tracker.deliveries();
            List<Long> latencies = new ArrayList<>();
            for (BenchStream c : clients) {
                if (c != stalled) {
                    latencies.addAll(deliveryLatencies(deliveries, tracker, c));
                }
            }
            String latest = clients.get(0).lastServiceEntry().version();
            long resumedAt = System.nanoTime();
            stalled.resume();
            boolean reached = true;
            try {
                BenchStream.await(() -> {
                    Received last = stalled.lastServiceEntry();
                    return last != null && last.version().equals(latest);
                }, 60_000, () -> "stalled stream never reached " + latest);
            } catch (IllegalStateException e) {
                reached = false;
            }
            // Let anything still queued for it arrive before counting.
            Thread.sleep(2000);
            Received last = stalled.lastServiceEntry();
            double catchUp = last == null ? Double.NaN : (last.nanoTime() - resumedAt) / 1e6;
            List<Integer> statesReceived = new ArrayList<>();
            for (Received a : stalled.serviceEntryArrivals()) {
                statesReceived.add(tracker.orderOf(a.version()));
            }
            Results.Stall result = new Results.Stall(config.stallStreams(), run.applied(),
                    beforeStall, Distribution.ofNanos(latencies), cpu, tracker.undelivered(), heapBefore,
                    heapAfter, directBefore,
                    directAfter, directMax[0], plugin ? "the plugin's own gRPC buffer pool" : "Nacos's gRPC buffer pool (shared)",
                    (int) stalled.serviceEntryResponses(), statesReceived, tracker.orderOf(latest), catchUp, reached);
            Log.info("%s: others' latency p50 %.0f / p99 %.0f ms; heap %d -> %d MB; direct %d -> %d (max %d) MB; "
                            + "stalled stream got %d ServiceEntry responses after resuming (states %s of %d)", server.label(),
                    result.latencyOtherStreams().p50(), result.latencyOtherStreams().p99(), heapBefore >> 20,
                    heapAfter >> 20, directBefore >> 20, directAfter >> 20, directMax[0] >> 20,
                    result.responsesToStalledAfterResume(), statesReceived, tracker.orderOf(latest));
            return result;
        } finally {
            clients.forEach(BenchStream::close);
        }
    }
}
