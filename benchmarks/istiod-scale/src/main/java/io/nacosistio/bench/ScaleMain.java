package io.nacosistio.bench;

import io.nacosistio.it.TempDirs;
import io.nacosistio.it.istiod.Istiod;
import io.nacosistio.it.istiod.IstiodBinary;
import io.nacosistio.it.istiod.IstiodConfig;
import io.nacosistio.it.istiod.IstiodMetrics;
import io.nacosistio.it.istiod.IstiodOptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real-istiod scale benchmark (bench/istiod-scale.sh; method in docs/benchmarks/istiod-scale.md). One Nacos
 * 3.1 in this JVM with the plugin; for each size, the registry grows to that many services through the Nacos
 * client, one istiod reads them over MCP from the plugin and a second one reads the same ServiceEntries from
 * files, each with sidecar-like xDS clients; then instance changes at 1 change/s to each, and churn through
 * Nacos to the first.
 */
public final class ScaleMain {

    private record Options(String mode, List<Integer> sizes, int endpoints, int sidecars, int warmUpChanges,
            int latencyChanges, int idleSeconds, double churnRate, int churnSeconds, Path out) {

        static Options parse(String[] args) {
            boolean full = List.of(args).contains("--full");
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--full") || args[i].equals("--quick")) {
                    continue;
                }
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown argument " + args[i]);
                }
                given.put(args[i].substring(2), args[++i]);
            }
            List<Integer> sizes = new ArrayList<>();
            for (String s : given.getOrDefault("sizes", full ? "1000,10000" : "100,1000").split(",")) {
                sizes.add(Integer.parseInt(s.trim()));
            }
            return new Options(full ? "full" : "quick", sizes,
                    Integer.parseInt(given.getOrDefault("endpoints", "10")),
                    Integer.parseInt(given.getOrDefault("sidecars", "3")),
                    Integer.parseInt(given.getOrDefault("warm-up-changes", full ? "20" : "10")),
                    Integer.parseInt(given.getOrDefault("latency-changes", full ? "30" : "15")),
                    Integer.parseInt(given.getOrDefault("idle-seconds", full ? "10" : "5")),
                    Double.parseDouble(given.getOrDefault("churn-rate", "200")),
                    Integer.parseInt(given.getOrDefault("churn-seconds", full ? "60" : "15")),
                    Path.of(given.getOrDefault("out", full ? "docs/benchmarks/istiod-scale"
                            : "docs/benchmarks/istiod-scale/quick")).toAbsolutePath());
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long SYNC_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final Options options;
    private final IstiodBinary binary;
    /** Makes every change of the run, through Nacos and to the files alike. */
    private ChangeDriver driver;

    private ScaleMain(Options options, IstiodBinary binary) {
        this.options = options;
        this.binary = binary;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--render")) {
            Path json = Path.of(args[1]);
            ScaleReport.write(json.toAbsolutePath().getParent(),
                    ScenarioMain.JSON.readValue(json.toFile(), ScaleResults.Run.class));
            return;
        }
        Options options = Options.parse(args);
        Files.createDirectories(options.out());
        System.setProperty("bench.nacos.logs", Path.of("target", "bench-logs", "nacos").toAbsolutePath().toString());
        try {
            IstiodBinary binary = IstiodBinary.install("newest");
            ScaleResults.Run run = new ScaleMain(options, binary).run();
            Files.writeString(options.out().resolve("results.json"), ScenarioMain.JSON.writeValueAsString(run));
            ScaleReport.write(options.out(), run);
            Log.info("results in %s", options.out());
        } catch (Exception | Error e) {
            e.printStackTrace();
            // Nacos's threads would keep the JVM up.
            System.exit(1);
        }
        // Nacos's non-daemon threads outlive its close().
        System.exit(0);
    }

    private ScaleResults.Run run() throws Exception {
        double loadBefore = MachineCpu.loadAverage();
        ThreadCpu started = ThreadCpu.take();
        int capacity = options.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
        Log.info("booting Nacos 3.1 with the plugin (%s mode, sizes %s, istiod %s)", options.mode(), options.sizes(),
                binary.label());
        List<ScaleResults.Size> sizes = new ArrayList<>();
        double boot;
        try (BenchNacos nacos = BenchNacos.boot(true, false);
             Registry registry = new Registry(nacos.httpPort(), capacity, options.endpoints(), 1,
                     Registry.NEW_ADDRESS)) {
            driver = new ChangeDriver(registry::services);
            boot = nacos.bootSeconds();
            Log.info("Nacos up in %.1f s", boot);
            for (int size : options.sizes()) {
                sizes.add(size(nacos, registry, size));
            }
        }
        ThreadCpu ended = ThreadCpu.take();
        return new ScaleResults.Run(Environment.machine(), options.mode(), binary.label(), options.sidecars(), boot,
                loadBefore, MachineCpu.loadAverage(), ended.machineBusyCoresSince(started),
                ended.wallSecondsSince(started) / 60, sizes);
    }

    private ScaleResults.Size size(BenchNacos nacos, Registry registry, int size) throws Exception {
        double fill = registry.fillTo(size, 8);
        Log.info("%d services x %d instances registered in %.1f s", size, options.endpoints(), fill);
        awaitPluginServices(nacos, size);
        Path filesDir = Files.createTempDirectory("istiod-scale-files");
        Istiod mcp = null;
        Istiod files = null;
        List<SidecarClient> sidecars = new ArrayList<>();
        try {
            mcp = Istiod.start(binary, IstiodOptions.mcp("scale-mcp-" + size, nacos.port(MeshServer.PLUGIN))
                    .withSyncTimeout(Duration.ofMillis(SYNC_TIMEOUT_MILLIS)));
            long mcpSynced = mcp.awaitSynced();
            double mcpSyncCpu = ProcessStats.cpuSeconds(mcp.pid());
            List<IstiodConfig> entries = awaitServiceEntries(mcp, size);
            ScaleResults.Memory mcpMemory = memory(mcp);
            Log.info("MCP istiod synced in %d ms holding %d ServiceEntries; heap %.0f MiB, RSS %.0f MiB", mcpSynced,
                    entries.size(), mcpMemory.heapInUseMiB(), mcpMemory.rssMiB());

            FileBaseline baseline = new FileBaseline(filesDir, options.endpoints());
            baseline.writeAll(entries);
            entries = null;
            files = Istiod.start(binary, new IstiodOptions("scale-files-" + size, List.of("fs://" + filesDir),
                    Duration.ofSeconds(30), Duration.ofMillis(SYNC_TIMEOUT_MILLIS)));
            long filesSynced = files.awaitSynced();
            double filesSyncCpu = ProcessStats.cpuSeconds(files.pid());
            int fileEntries = awaitServiceEntries(files, size).size();
            ScaleResults.Memory filesMemory = memory(files);
            Log.info("file istiod synced in %d ms holding %d ServiceEntries; heap %.0f MiB, RSS %.0f MiB", filesSynced,
                    fileEntries, filesMemory.heapInUseMiB(), filesMemory.rssMiB());

            List<EdsTracker> mcpTrackers = new ArrayList<>();
            double mcpSidecarsMillis = connectSidecars(mcp, size, sidecars, mcpTrackers);
            List<EdsTracker> fileTrackers = new ArrayList<>();
            double fileSidecarsMillis = connectSidecars(files, size, sidecars, fileTrackers);
            ScaleResults.Memory mcpWithSidecars = memory(mcp);
            ScaleResults.Memory filesWithSidecars = memory(files);
            Log.info("%d sidecars on each istiod hold %d clusters with endpoints (MCP %.0f ms, files %.0f ms)",
                    options.sidecars(), size, mcpSidecarsMillis, fileSidecarsMillis);

            McpReceipts receipts = new McpReceipts();
            List<ChangeListener> nacosListeners = new ArrayList<>(mcpTrackers);
            nacosListeners.add(receipts);
            ChangeDriver.Change viaNacos = registry.changes(nacosListeners);
            ChangeDriver.Change viaFiles = (service, seq) -> baseline.change(service, seq, fileTrackers);
            // Warm-up: the JIT of Nacos and the plugin, istiod's first incremental pushes; not measured.
            driver.run(5, options.warmUpChanges(), viaNacos);
            // istiod has no JIT to warm; a few file changes give it its first incremental pushes.
            driver.run(5, Math.min(3, options.warmUpChanges()), viaFiles);
            awaitDelivered(mcpTrackers, 10_000);
            awaitDelivered(fileTrackers, 10_000);
            mcpTrackers.forEach(EdsTracker::drain);
            fileTrackers.forEach(EdsTracker::drain);

            awaitQuiet(mcp);
            awaitQuiet(files);
            double[] idle = idleCores(mcp, files);
            Log.info("idle: MCP istiod %.3f cores, file istiod %.3f cores", idle[0], idle[1]);
            ScaleResults.PerChange mcpPerChange = perChange("MCP", mcp, viaNacos, mcpTrackers, nacos, receipts,
                    idle[0]);
            ScaleResults.PerChange filesPerChange = perChange("files", files, viaFiles, fileTrackers, null, null,
                    idle[1]);
            ScaleResults.Churn churn = churn(mcp, viaNacos, mcpTrackers, nacos);

            return new ScaleResults.Size(size, options.endpoints(), fill,
                    new ScaleResults.IstiodRun("MCP", mcpSynced, mcpSyncCpu, size, mcpMemory, mcpWithSidecars, mcpSidecarsMillis,
                            idle[0], mcpPerChange),
                    new ScaleResults.IstiodRun("files", filesSynced, filesSyncCpu, fileEntries, filesMemory, filesWithSidecars,
                            fileSidecarsMillis, idle[1], filesPerChange),
                    churn);
        } finally {
            sidecars.forEach(SidecarClient::close);
            if (files != null) {
                files.close();
            }
            if (mcp != null) {
                mcp.close();
            }
            TempDirs.delete(filesDir);
        }
    }

    private static void awaitPluginServices(BenchNacos nacos, int size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        double served = 0;
        while (System.nanoTime() < deadline) {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nacos.debugPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            served = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("nacos_mesh_serviceentries{")) {
                    served += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            if (served >= size) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the plugin serves " + served + " ServiceEntries, not " + size);
    }

    private static List<IstiodConfig> awaitServiceEntries(Istiod istiod, int size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MILLIS);
        List<IstiodConfig> entries;
        do {
            entries = istiod.configs("ServiceEntry");
            if (entries.size() >= size) {
                return entries;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("istiod " + istiod.describe() + " holds " + entries.size()
                + " ServiceEntries, not " + size);
    }

    private static ScaleResults.Memory memory(Istiod istiod) throws Exception {
        IstiodMetrics m = istiod.metrics();
        return new ScaleResults.Memory(m.value("go_memstats_heap_inuse_bytes") / (1 << 20),
                ProcessStats.rssBytes(istiod.pid()) / (double) (1 << 20));
    }

    private double connectSidecars(Istiod istiod, int size, List<SidecarClient> all, List<EdsTracker> trackers)
            throws Exception {
        long started = System.nanoTime();
        List<SidecarClient> mine = new ArrayList<>();
        for (int i = 0; i < options.sidecars(); i++) {
            EdsTracker tracker = new EdsTracker();
            SidecarClient client = new SidecarClient(istiod.grpcPort(), i, tracker).connect();
            trackers.add(tracker);
            mine.add(client);
            all.add(client);
        }
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MILLIS);
        for (SidecarClient c : mine) {
            while (c.clusters() < size || c.clustersWithEndpoints() < size) {
                if (c.error() != null) {
                    throw new IllegalStateException("sidecar stream failed: " + c.error(), c.error());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("sidecar holds " + c.clusters() + " clusters, "
                            + c.clustersWithEndpoints() + " with endpoints, not " + size);
                }
                Thread.sleep(50);
            }
        }
        return (System.nanoTime() - started) / 1e6;
    }

    /**
     * Waits (at most 120 s) for a second in which istiod used under 5 % of a core: it has worked off what came
     * before, so a window that starts or ends here holds all of the work of its own changes and no other.
     */
    private static void awaitQuiet(Istiod istiod) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        double before = ProcessStats.cpuSeconds(istiod.pid());
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            double now = ProcessStats.cpuSeconds(istiod.pid());
            if (now - before < 0.05) {
                return;
            }
            before = now;
        }
        Log.info("istiod %s did not become quiet within 120 s", istiod.describe());
    }

    /** istiod's CPU, in cores, over the idle window: what a measured window owes to no change at all. */
    private double[] idleCores(Istiod a, Istiod b) throws InterruptedException {
        long t0 = System.nanoTime();
        double a0 = ProcessStats.cpuSeconds(a.pid());
        double b0 = ProcessStats.cpuSeconds(b.pid());
        Thread.sleep(options.idleSeconds() * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        return new double[] {(ProcessStats.cpuSeconds(a.pid()) - a0) / wall,
                (ProcessStats.cpuSeconds(b.pid()) - b0) / wall};
    }

    private ScaleResults.PerChange perChange(String label, Istiod istiod, ChangeDriver.Change change,
            List<EdsTracker> trackers, BenchNacos nacos, McpReceipts receipts, double idleCores) throws Exception {
        Log.info("%s: %d changes at 1 change/s", label, options.latencyChanges());
        awaitQuiet(istiod);
        if (receipts != null) {
            receipts.clear();
        }
        IstiodMetrics m0 = istiod.metrics();
        Map<String, Double> p0 = nacos == null ? Map.of() : new PluginMetrics(nacos.debugPort()).read();
        ThreadCpu t0 = ThreadCpu.take();
        double c0 = ProcessStats.cpuSeconds(istiod.pid());
        int made = driver.run(1, options.latencyChanges(), change).applied();
        awaitDelivered(trackers, 30_000);
        // The window ends when istiod has finished with the changes (a file reload can outlast the deliveries).
        awaitQuiet(istiod);
        double cpu = ProcessStats.cpuSeconds(istiod.pid()) - c0;
        ThreadCpu t1 = ThreadCpu.take();
        IstiodMetrics m1 = istiod.metrics();
        Map<String, Double> p1 = nacos == null ? Map.of() : new PluginMetrics(nacos.debugPort()).read();
        double window = t1.wallSecondsSince(t0);
        double plugin = t1.secondsByGroupSince(t0).getOrDefault(ThreadGroups.PLUGIN, 0.0);
        double bytes = p1.getOrDefault("nacos_mesh_mcp_resource_bytes_sent_total", 0.0)
                - p0.getOrDefault("nacos_mesh_mcp_resource_bytes_sent_total", 0.0);
        double responses = p1.getOrDefault(PluginMetrics.RESPONSES, 0.0) - p0.getOrDefault(PluginMetrics.RESPONSES, 0.0);
        Delivered d = collect(trackers);
        McpReceipts.Split split = receipts == null ? null : receipts.split(istiod.log(), d.windows());
        ScaleResults.PerChange result = new ScaleResults.PerChange(made, window, cpu, cpu * 1000 / made,
                (cpu - idleCores * window) * 1000 / made, nacos == null ? Double.NaN : plugin * 1000 / made,
                nacos == null ? Double.NaN : bytes / made, nacos == null ? Double.NaN : responses / made, pushes(m0, m1), pushContexts(m0, m1), triggers(m0, m1),
                d.distribution(), d.undelivered(), split, meanMillis(m0, m1, "pilot_debounce_time"),
                meanMillis(m0, m1, "pilot_proxy_convergence_time"));
        Log.info("%s: istiod %.1f ms CPU per change (net %.1f), pushes %s, triggers %s, EDS at sidecars p50 %.0f p99 %.0f ms,"
                        + " %d undelivered", label, result.istiodCpuMsPerChange(), result.istiodNetCpuMsPerChange(),
                result.pushesToProxies(), result.pushTriggers(), d.distribution().p50(), d.distribution().p99(),
                d.undelivered());
        return result;
    }

    private ScaleResults.Churn churn(Istiod istiod, ChangeDriver.Change change, List<EdsTracker> trackers,
            BenchNacos nacos) throws Exception {
        int count = (int) (options.churnRate() * options.churnSeconds());
        Log.info("churn: %.0f changes/s for %d s through Nacos", options.churnRate(), options.churnSeconds());
        List<Double> cores = new ArrayList<>();
        List<Double> eds = new ArrayList<>();
        List<Double> cds = new ArrayList<>();
        AtomicReference<Exception> samplerFailure = new AtomicReference<>();
        IstiodMetrics m0 = istiod.metrics();
        Map<String, Double> p0 = new PluginMetrics(nacos.debugPort()).read();
        ThreadCpu t0 = ThreadCpu.take();
        Thread sampler = new Thread(() -> {
            try {
                long last = System.nanoTime();
                double cpu = ProcessStats.cpuSeconds(istiod.pid());
                IstiodMetrics m = istiod.metrics();
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(1000);
                    long now = System.nanoTime();
                    double c = ProcessStats.cpuSeconds(istiod.pid());
                    IstiodMetrics n = istiod.metrics();
                    double s = (now - last) / 1e9;
                    synchronized (cores) {
                        cores.add((c - cpu) / s);
                        eds.add((n.pushes("eds") - m.pushes("eds")) / s);
                        cds.add((n.pushes("cds") - m.pushes("cds")) / s);
                    }
                    last = now;
                    cpu = c;
                    m = n;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                samplerFailure.set(e);
            }
        }, "bench-churn-sampler");
        sampler.setDaemon(true);
        sampler.start();
        ChangeDriver.Outcome outcome = driver.run(options.churnRate(), count, change);
        sampler.interrupt();
        sampler.join(5_000);
        ThreadCpu t1 = ThreadCpu.take();
        IstiodMetrics m1 = istiod.metrics();
        Map<String, Double> p1 = new PluginMetrics(nacos.debugPort()).read();
        if (samplerFailure.get() != null) {
            throw samplerFailure.get();
        }
        awaitDelivered(trackers, 15_000);
        Delivered d = collect(trackers);
        Distribution full = d.distribution();
        Distribution staleness = new Distribution(full.count(), full.p50(), full.p90(), full.p99(), full.max(), List.of());
        double window = t1.wallSecondsSince(t0);
        double plugin = t1.secondsByGroupSince(t0).getOrDefault(ThreadGroups.PLUGIN, 0.0);
        double bytes = p1.getOrDefault("nacos_mesh_mcp_resource_bytes_sent_total", 0.0)
                - p0.getOrDefault("nacos_mesh_mcp_resource_bytes_sent_total", 0.0);
        List<Double> c;
        synchronized (cores) {
            c = new ArrayList<>(cores);
        }
        ScaleResults.Churn result = new ScaleResults.Churn(options.churnRate(), outcome.applied() / outcome.seconds(),
                outcome.applied(), outcome.skipped(), outcome.seconds(), c, new ArrayList<>(eds), new ArrayList<>(cds),
                mean(c), c.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), mean(eds), mean(cds),
                pushContexts(m0, m1), triggers(m0, m1), plugin / window, bytes / window, staleness, d.undelivered());
        Log.info("churn: %.0f changes/s made, istiod %.2f cores (max %.2f), EDS pushes %.1f/s, CDS pushes %.1f/s,"
                        + " staleness p50 %.0f p99 %.0f ms, %d undelivered", result.achievedRate(), result.meanIstiodCores(),
                result.maxIstiodCores(), result.meanEdsPushesPerSecond(), result.meanCdsPushesPerSecond(),
                staleness.p50(), staleness.p99(), d.undelivered());
        return result;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static Map<String, Long> pushes(IstiodMetrics before, IstiodMetrics after) {
        Map<String, Long> d = new TreeMap<>();
        for (String type : List.of("cds", "eds", "lds", "rds")) {
            d.put(type, after.pushes(type) - before.pushes(type));
        }
        return d;
    }

    /** Push contexts istiod built (one per full push; an endpoints-only push builds none). */
    private static long pushContexts(IstiodMetrics before, IstiodMetrics after) {
        return Math.round(after.value("pilot_pushcontext_init_seconds_count")
                - before.value("pilot_pushcontext_init_seconds_count"));
    }

    private static Map<String, Long> triggers(IstiodMetrics before, IstiodMetrics after) {
        Map<String, Long> b = before.byLabel(IstiodMetrics.PUSH_TRIGGERS, "type");
        Map<String, Long> d = new TreeMap<>();
        after.byLabel(IstiodMetrics.PUSH_TRIGGERS, "type").forEach((k, v) -> {
            long delta = v - b.getOrDefault(k, 0L);
            if (delta != 0) {
                d.put(k, delta);
            }
        });
        return d;
    }

    private record Delivered(Distribution distribution, int undelivered, List<EdsTracker.Window> windows) {
    }

    private static Delivered collect(List<EdsTracker> trackers) {
        List<Long> all = new ArrayList<>();
        List<EdsTracker.Window> windows = new ArrayList<>();
        int undelivered = 0;
        for (EdsTracker t : trackers) {
            EdsTracker.Window w = t.drain();
            windows.add(w);
            all.addAll(w.latencyNanos());
            undelivered += w.undelivered();
        }
        return new Delivered(Distribution.ofNanos(all), undelivered, windows);
    }

    /** The mean of an istiod histogram (in seconds) over a window, in milliseconds; NaN when nothing was observed. */
    private static double meanMillis(IstiodMetrics before, IstiodMetrics after, String histogram) {
        double count = after.value(histogram + "_count") - before.value(histogram + "_count");
        double sum = after.value(histogram + "_sum") - before.value(histogram + "_sum");
        return count > 0 ? sum / count * 1000 : Double.NaN;
    }

    private static void awaitDelivered(List<EdsTracker> trackers, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (trackers.stream().anyMatch(t -> t.pendingCount() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
