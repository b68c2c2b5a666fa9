package io.nacosistio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes RESULTS.md, results.json and the charts from the results of one benchmark command. Every number in
 * them comes from that command's run; a built-in column reads "not run" when the run left the module off.
 */
final class Report {

    private static final double QUIET_MS = BenchNacos.QUIET_MILLIS;
    private static final double MAX_DELAY_MS = BenchNacos.MAX_DELAY_MILLIS;
    /** Target 1 with the leading edge on: an isolated change goes out without waiting for the quiet period. */
    private static final double ISOLATED_CHANGE_P99_MS = 25;
    private static final String NOT_RUN = "not run";

    private final ScenarioConfig config;
    private final Results.SideBySide run;
    private final List<Results.Heap> heap;
    private final double seconds;
    private final Results.ServerResults plugin;
    private final Results.ServerResults builtIn;
    /** The way from the output directory to docs/benchmarks, for links; set by {@link #writeTo}. */
    private String docsPrefix = "";

    Report(ScenarioConfig config, Results.SideBySide run, List<Results.Heap> heap, double seconds) {
        this.config = config;
        this.run = run;
        this.heap = heap;
        this.seconds = seconds;
        this.plugin = run.servers().get(0);
        this.builtIn = run.servers().size() > 1 ? run.servers().get(1) : null;
    }

    void writeTo(Path dir) throws IOException {
        // RESULTS.md links the method and the JMH page in docs/benchmarks, wherever it is written.
        String docsPath = dir.toAbsolutePath().normalize().relativize(Path.of("docs/benchmarks").toAbsolutePath())
                .toString().replace('\\', '/');
        docsPrefix = docsPath.isEmpty() ? "" : docsPath + "/";
        Files.writeString(dir.resolve("RESULTS.md"), markdown());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("config", config.asMap());
        json.put("runSeconds", seconds);
        json.put("sideBySide", run);
        json.put("heapJvms", heap);
        Files.writeString(dir.resolve("results.json"), ScenarioMain.JSON.writeValueAsString(json));
        String stamp = stamp();
        Files.writeString(dir.resolve("latency.svg"), SvgCharts.distribution(
                "Change → delivery latency at 1 change/s (" + run.services() + " services)", "milliseconds (log scale)",
                series(r -> r.latency().measuringStream()), true, stamp));
        Files.writeString(dir.resolve("staleness.svg"), SvgCharts.distribution(
                String.format(Locale.ROOT, "Staleness under churn (%.0f changes/s asked, %.0f/s made)",
                        run.churnTargetRate(), run.churnAchievedRate()), "milliseconds (log scale)",
                series(r -> r.churn().staleness()), true, stamp));
        List<SvgCharts.Bar> cpu = new ArrayList<>(bars(r -> r.churn().cpuSecondsPer1000Changes(), "%.3f s"));
        if (builtIn != null) {
            cpu.add(bar("built-in without its busy loops", builtInWorkPer1000(), SvgCharts.BUILT_IN_COLOR, "%.3f s"));
        }
        Files.writeString(dir.resolve("cpu-per-change.svg"), SvgCharts.bars(
                "CPU per 1,000 changes under churn (each server's own threads)", "CPU seconds per 1,000 instance changes",
                cpu, stamp));
        Files.writeString(dir.resolve("idle-cpu.svg"), SvgCharts.bars(
                "Idle CPU, " + run.clientsPerServer() + " clients per server, no changes", "% of one core",
                bars(r -> r.idle().percentOfOneCore(), "%.2f %%"), stamp));
        Files.writeString(dir.resolve("bytes-per-change.svg"), SvgCharts.bars(
                "Bytes sent per stream per change, under churn", "bytes per stream per instance change",
                bars(r -> r.churn().bytesPerStreamPerChange(), "%,.0f B"), stamp));
        Files.writeString(dir.resolve("bytes-per-endpoint.svg"), SvgCharts.bars(
                "ServiceEntry bytes on the wire per endpoint (full set, " + run.services() + " services)",
                "bytes per endpoint", bars(r -> r.fullSync().bytesPerEndpoint(), "%.1f B"), stamp));
    }

    private List<SvgCharts.Series> series(Function<Results.ServerResults, Distribution> of) {
        List<SvgCharts.Series> list = new ArrayList<>();
        for (Results.ServerResults r : run.servers()) {
            list.add(new SvgCharts.Series(r.server(), of.apply(r).samplesMillis(), SvgCharts.colors().get(r.server())));
        }
        return list;
    }

    private List<SvgCharts.Bar> bars(Function<Results.ServerResults, Double> of, String format) {
        List<SvgCharts.Bar> list = new ArrayList<>();
        for (Results.ServerResults r : run.servers()) {
            list.add(bar(r.server(), of.apply(r), SvgCharts.colors().get(r.server()), format));
        }
        return list;
    }

    private static SvgCharts.Bar bar(String label, double value, String color, String format) {
        return new SvgCharts.Bar(label, value, color, String.format(Locale.ROOT, format, value));
    }

    /** The built-in module's CPU per 1,000 changes without its two busy debounce loops. */
    private double builtInWorkPer1000() {
        return builtIn.churn().cpuByThreadGroup().getOrDefault(ThreadGroups.BUILT_IN, 0.0) / run.churnChanges() * 1000;
    }

    private String stamp() {
        Results.Machine m = run.machine();
        return String.format(Locale.ROOT, "%d cores, %.0f GiB, %s, %s; bench/run.sh --%s; machine busy %.2f cores "
                        + "(this benchmark %.2f), load average %.1f to %.1f", m.cores(),
                m.memoryBytes() / (double) (1L << 30), m.jvm(), m.date(), config.mode(), run.load().machineBusyCores(),
                run.load().ownProcessCores(), run.load().loadAverageBefore(), run.load().loadAverageAfter());
    }

    private String markdown() {
        Results.Machine m = run.machine();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results: this plugin and Nacos's built-in istio module, side by side\n\n");
        md.append("Written by `bench/run.sh --").append(config.mode()).append("`; method, what each number means "
                + "and the findings behind the misses: [README.md](" + docsPrefix + "README.md). Do not edit: run the "
                + "command again.\n\n");
        md.append(String.format(Locale.ROOT, "- Machine: %d cores (%s), %.1f GiB memory, %s, %s.%n", m.cores(), m.cpu(),
                m.memoryBytes() / (double) (1L << 30), m.os(), m.jvm()));
        md.append("- Date: ").append(m.date()).append(".\n");
        md.append(String.format(Locale.ROOT, "- Run time of the whole command: %.1f min (side-by-side JVM %.1f min, "
                + "of which Nacos's boot %.1f min%s).%n", seconds / 60, run.runSeconds() / 60, run.bootSeconds() / 60,
                heap.isEmpty() ? "" : "; heap JVMs " + heapMinutes() + " min"));
        md.append(String.format(Locale.ROOT, "- **Load**: while the side-by-side JVM ran, the machine was busy %.2f of "
                        + "its %d cores on average; this benchmark's JVM (Nacos, both servers, the registry client and "
                        + "every istiod-like client) used %.2f of them, other work on the machine the rest. 1-minute "
                        + "load average %.1f before, %.1f after.%n", run.load().machineBusyCores(), m.cores(),
                run.load().ownProcessCores(), run.load().loadAverageBefore(), run.load().loadAverageAfter()));
        md.append(String.format(Locale.ROOT, "- Registry: %,d services × %d instances = %,d endpoints, registered "
                        + "through the Nacos Java client with `batchRegisterInstance` (%.1f s), later grown to %,d "
                        + "services = %,d endpoints (%.1f s more).%n", run.services(), run.endpointsPerService(),
                run.services() * run.endpointsPerService(), run.fillSeconds(), run.pluginHeap().services(),
                run.pluginHeap().endpoints(), run.pluginHeap().extendSeconds()));
        md.append(String.format(Locale.ROOT, "- Clients: %d istiod-like streams per server, every response ACKed "
                + "(plugin: istiod 1.24+ type URLs; built-in: the 1.20-era ones, the only ones it knows)%s.%n",
                run.clientsPerServer(), run.builtInStreamFailures() == 0 ? ""
                        : String.format(Locale.ROOT, "; %d built-in streams failed while subscribing and were "
                                + "reconnected", run.builtInStreamFailures())));
        md.append(String.format(Locale.ROOT, "- Warm-up: %,d registry changes in %.1f s before anything was measured, "
                + "so that both servers are measured in their steady state, their code compiled by the JIT.%n",
                run.warmUpChanges(), run.warmUpSeconds()));
        md.append("- Servers: the plugin with its defaults (quiet period 100 ms, max delay 1 s, leading edge on); "
                + (builtIn == null ? "Nacos's built-in module **off** in this run (`--built-in false`)"
                        : "the built-in module with its defaults (debounce 100 ms, max 5 s)") + ".\n\n");

        md.append("## Targets\n\n");
        md.append("| # | what | target (plugin) | plugin | built-in | plugin meets target |\n|---|---|---|---|---|---|\n");
        Results.Latency pl = plugin.latency();
        row(md, "1", "change → delivery latency at 1 change/s, p50 / p99 (measuring stream)",
                "p99 ≤ " + ms(ISOLATED_CHANGE_P99_MS) + " (leading edge: an isolated change does not wait for "
                        + "the quiet period)", pair(pl.measuringStream()),
                b(r -> pair(r.latency().measuringStream())), pl.measuringStream().p99() <= ISOLATED_CHANGE_P99_MS
                        && pl.undelivered() == 0);
        row(md, "1", "same, every change on every one of the " + run.clientsPerServer() + " streams", "",
                pair(pl.allStreams()), b(r -> pair(r.latency().allStreams())), null);
        Results.Churn pc = plugin.churn();
        // One response per quiet period, plus the leading one that opens the churn window.
        double maxResponses = (run.churnSeconds() * 1000 / QUIET_MS + 1) / run.churnSeconds();
        row(md, "2", String.format(Locale.ROOT, "ServiceEntry responses per stream per second under churn (%.0f "
                        + "changes/s asked, %.0f/s made)", run.churnTargetRate(), run.churnAchievedRate()),
                String.format(Locale.ROOT, "≤ one per quiet period plus the leading one = %.2f over %.0f s",
                        maxResponses, run.churnSeconds()), num(pc.responsesPerStreamPerSecond(), 2),
                b(r -> num(r.churn().responsesPerStreamPerSecond(), 2)), pc.responsesPerStreamPerSecond() <= maxResponses);
        row(md, "2", "bytes sent per stream per second under churn", "", kib(pc.bytesPerStreamPerSecond()) + "/s",
                b(r -> kib(r.churn().bytesPerStreamPerSecond()) + "/s"), null);
        row(md, "2", "staleness under churn, p50 / p99", "p99 ≤ max delay + 100 ms = " + ms(MAX_DELAY_MS + 100),
                pair(pc.staleness()), b(r -> pair(r.churn().staleness())),
                pc.staleness().p99() <= MAX_DELAY_MS + 100 && pc.undelivered() == 0);
        row(md, "3", "CPU per 1,000 changes, the server's own threads", "≤ built-in ÷ 10",
                num(pc.cpuSecondsPer1000Changes(), 3) + " s" + ratio(builtIn == null ? Double.NaN
                        : builtIn.churn().cpuSecondsPer1000Changes(), pc.cpuSecondsPer1000Changes()),
                b(r -> num(r.churn().cpuSecondsPer1000Changes(), 3) + " s"),
                builtIn == null ? null : pc.cpuSecondsPer1000Changes() * 10 <= builtIn.churn().cpuSecondsPer1000Changes());
        // The target counts the module's whole CPU, its busy loops included; this row shows the rest for comparison.
        row(md, "3", "same, built-in counted without its two busy debounce loops", "",
                num(pc.cpuSecondsPer1000Changes(), 3) + " s" + ratio(builtIn == null ? Double.NaN
                        : builtInWorkPer1000(), pc.cpuSecondsPer1000Changes()),
                b(r -> num(builtInWorkPer1000(), 3) + " s"), null);
        row(md, "4", String.format(Locale.ROOT, "idle CPU, %d clients, %.0f s, own threads", run.clientsPerServer(),
                        plugin.idle().seconds()), "< 1 % of one core", num(plugin.idle().percentOfOneCore(), 3) + " %",
                b(r -> num(r.idle().percentOfOneCore(), 1) + " %"), plugin.idle().percentOfOneCore() < 1);
        Results.PluginHeap ph = run.pluginHeap();
        row(md, "5", String.format(Locale.ROOT, "heap the plugin retains per endpoint at %,d endpoints (running − "
                        + "stopped in place, after full GC)", ph.endpoints()), "≤ 0.5 KB (512 B)",
                num(ph.bytesPerEndpoint(), 0) + " B", "–", ph.bytesPerEndpoint() <= 512);
        if (heap.size() == 3) {
            Results.Heap none = heap.get(0);
            int endpoints = none.services() * none.endpointsPerService();
            double p = (heap.get(1).heapAfterGc() - none.heapAfterGc()) / (double) endpoints;
            double bi = (heap.get(2).heapAfterGc() - none.heapAfterGc()) / (double) endpoints;
            row(md, "5", String.format(Locale.ROOT, "same, separate JVMs: enabled − disabled at %,d endpoints",
                    endpoints), "≤ 512 B", num(p, 0) + " B", num(bi, 0) + " B", p <= 512);
        }
        row(md, "6", String.format(Locale.ROOT, "full sync of a new client, %,d services (%,d endpoints), median",
                        run.services(), run.services() * run.endpointsPerService()), "",
                ms(plugin.fullSync().medianMillis()), b(r -> ms(r.fullSync().medianMillis())), null);
        Results.FullSync large = plugin.fullSyncLarge();
        boolean atTargetSize = large.endpoints() >= 100_000;
        row(md, "6", String.format(Locale.ROOT, "full sync of a new client, %,d services (%,d endpoints), median",
                        large.services(), large.endpoints()), atTargetSize ? "≤ 1 s at 100k endpoints" : "",
                ms(large.medianMillis()), b(r -> ms(r.fullSyncLarge().medianMillis())),
                atTargetSize ? large.medianMillis() <= 1000 : null);
        row(md, "7", "ServiceEntry bytes on the wire per endpoint (full set)", "≤ built-in",
                num(plugin.fullSync().bytesPerEndpoint(), 1) + " B", b(r -> num(r.fullSync().bytesPerEndpoint(), 1) + " B"),
                builtIn == null ? null : plugin.fullSync().bytesPerEndpoint() <= builtIn.fullSync().bytesPerEndpoint());
        Results.Stall ps = plugin.stall();
        row(md, "8", String.format(Locale.ROOT, "%d streams, none stalled: latency of every change on each stream, "
                + "p50 / p99", ps.streams() - 1), "", pair(ps.latencyBeforeStall()),
                b(r -> pair(r.stall().latencyBeforeStall())), null);
        // "Others keep their latency": as without the stalled stream, within the quiet-period target's 100 ms margin.
        double keptP99 = Math.max(QUIET_MS, ps.latencyBeforeStall().p99()) + 100;
        row(md, "8", String.format(Locale.ROOT, "the same with one more stream that never reads: latency on each "
                + "other stream, p50 / p99", ps.streams()), "p99 ≤ the above + 100 ms (" + ms(keptP99) + ")",
                pair(ps.latencyOtherStreams()), b(r -> pair(r.stall().latencyOtherStreams())),
                ps.latencyOtherStreams().p99() <= keptP99 && ps.undelivered() == 0);
        row(md, "8", String.format(Locale.ROOT, "stalled stream: ServiceEntry responses it receives once it reads "
                        + "again, after %d changes (a per-change queue would give %d)", ps.changes(), ps.changes() + 1),
                "ends on the latest state, fewer responses than changes",
                ps.responsesToStalledAfterResume() + (ps.stalledReachedLatest() ? ", latest" : ", NOT the latest"),
                b(r -> r.stall().responsesToStalledAfterResume()
                        + (r.stall().stalledReachedLatest() ? ", latest" : ", NOT the latest")),
                ps.responsesToStalledAfterResume() <= ps.changes() && ps.stalledReachedLatest());
        row(md, "8", "growth while stalled: heap after GC of the whole JVM (both servers, every client) / the "
                + "server's gRPC buffer pool (peak)", "bounded",
                mib(ps.heapAfterGcAfter() - ps.heapAfterGcBefore()) + " / " + mib(ps.directMax() - ps.directBefore()),
                b(r -> mib(r.stall().heapAfterGcAfter() - r.stall().heapAfterGcBefore()) + " / "
                        + mib(r.stall().directMax() - r.stall().directBefore())),
                ps.heapAfterGcAfter() - ps.heapAfterGcBefore() < (16L << 20));
        row(md, "–", "plugin work per change at 1 change/s: services read / converted / sets published per change",
                "1 / 1 / ≤ 1", num(pl.pluginReadsPerChange(), 2) + " / " + num(pl.pluginConversionsPerChange(), 2)
                        + " / " + num(pl.pluginSnapshotsPerChange(), 2), "–",
                Math.abs(pl.pluginConversionsPerChange() - 1) < 0.05 && Math.abs(pl.pluginReadsPerChange() - 1) < 0.05
                        && pl.pluginSnapshotsPerChange() <= 1.05);
        md.append("\nThe JMH microbenchmarks (`bench/jmh.sh`, results in [jmh.md](" + docsPrefix
                + "jmh.md)) give the cost of one "
                + "conversion and of the set rebuilt after one change at 1k and 10k services.\n\n");

        md.append("## Charts\n\n");
        md.append("![latency](latency.svg)\n\n![staleness](staleness.svg)\n\n![CPU per change](cpu-per-change.svg)\n\n"
                + "![idle CPU](idle-cpu.svg)\n\n![bytes per change](bytes-per-change.svg)\n\n"
                + "![bytes per endpoint](bytes-per-endpoint.svg)\n\n");
        details(md);
        return md.toString();
    }

    private void details(StringBuilder md) {
        Results.Churn pc = plugin.churn();
        md.append("## Details\n\n");
        md.append(String.format(Locale.ROOT, "**Churn.** %,d changes in the churn window (%.0f/s asked, %.1f/s made: "
                        + "the registry calls, not the servers, set the pace); not delivered after the wait: plugin "
                        + "%d%s. Plugin counters over the window: %s.%n%n", run.churnChanges(), run.churnTargetRate(),
                run.churnAchievedRate(), pc.undelivered(), b(r -> ", built-in " + r.churn().undelivered()).replace(NOT_RUN, ""),
                counters(run.pluginChurnCounters())));
        md.append("CPU by thread group over the churn window (seconds, the same window for both servers):\n\n");
        md.append("| thread group | CPU s |\n|---|---|\n");
        pc.cpuByThreadGroup().forEach((g, s) -> md.append("| ").append(g).append(" | ").append(num(s, 2)).append(" |\n"));
        md.append("\nBusiest own threads under churn — plugin: ").append(threads(pc.topThreads()));
        if (builtIn != null) {
            md.append("; built-in: ").append(threads(builtIn.churn().topThreads()));
        }
        md.append(".\n\n");
        md.append(String.format(Locale.ROOT, "**Idle** (%.0f s): the whole Nacos process used %.3f cores; by thread "
                        + "group: %s. Busiest own threads — plugin: %s%s.%n%n", plugin.idle().seconds(),
                run.processIdleCores(), threads(run.idleCpuByThreadGroup()), threads(plugin.idle().topThreads()),
                builtIn == null ? "" : "; built-in: " + threads(builtIn.idle().topThreads())));
        md.append("**Full sync**, every run (ms): at ").append(run.services()).append(" services plugin ")
                .append(millisList(plugin.fullSync().millis()))
                .append(b(r -> ", built-in " + millisList(r.fullSync().millis())).replace(NOT_RUN, ""))
                .append("; at ").append(plugin.fullSyncLarge().services()).append(" services plugin ")
                .append(millisList(plugin.fullSyncLarge().millis()))
                .append(b(r -> ", built-in " + millisList(r.fullSyncLarge().millis())).replace(NOT_RUN, ""))
                .append(String.format(Locale.ROOT, ". ServiceEntry response: plugin %,d B / %,d B", plugin.fullSync()
                        .serviceEntryBytes(), plugin.fullSyncLarge().serviceEntryBytes()))
                .append(b(r -> String.format(Locale.ROOT, ", built-in %,d B / %,d B", r.fullSync().serviceEntryBytes(),
                        r.fullSyncLarge().serviceEntryBytes())).replace(NOT_RUN, "")).append(".\n\n");
        Results.PluginHeap ph = run.pluginHeap();
        md.append(String.format(Locale.ROOT, "**Plugin heap** at %,d endpoints: %s used after full collections with "
                        + "the plugin running, %s after stopping it in place (%d of its threads left).%n%n",
                ph.endpoints(), mib(ph.heapWithPlugin()), mib(ph.heapAfterStop()), ph.pluginThreadsLeft()));
        if (!heap.isEmpty()) {
            md.append("Separate heap JVMs (one Nacos each, the same registry, `-Xmx3g`, heap used after three full "
                    + "collections):\n\n| servers enabled | heap after GC | full sync, every run (ms) | ServiceEntry "
                    + "response | boot / fill |\n|---|---|---|---|---|\n");
            for (Results.Heap h : heap) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f s / %.1f s |%n",
                        h.mode().toLowerCase(Locale.ROOT), mib(h.heapAfterGc()), millisList(h.fullSyncMillis()),
                        h.serviceEntryBytes() == 0 ? "–" : String.format(Locale.ROOT, "%,d B", h.serviceEntryBytes()),
                        h.bootSeconds(), h.fillSeconds()));
            }
            md.append('\n');
        }
        md.append("**Stalled stream.** ");
        for (Results.ServerResults r : run.servers()) {
            Results.Stall s = r.stall();
            md.append(String.format(Locale.ROOT, "%s: %d changes while one of %d streams never read; heap after GC "
                            + "%s → %s; %s %s → %s (peak %s); once reading again it received the states %s (the latest "
                            + "is %d) and caught up in %s; CPU by thread group in that window (s): %s. ", r.server(),
                    s.changes(), s.streams(), mib(s.heapAfterGcBefore()), mib(s.heapAfterGcAfter()), s.directCounter(),
                    mib(s.directBefore()), mib(s.directAfter()), mib(s.directMax()), s.statesToStalled(),
                    s.latestState(), ms(s.stalledCatchUpMillis()), groups(s.cpuByThreadGroup())));
        }
        md.append("States are numbered in the order the measuring stream received them.\n");
    }

    /** A built-in value, or "not run". */
    private String b(Function<Results.ServerResults, String> of) {
        return builtIn == null ? NOT_RUN : of.apply(builtIn);
    }

    private String heapMinutes() {
        List<String> parts = new ArrayList<>();
        for (Results.Heap h : heap) {
            parts.add(String.format(Locale.ROOT, "%.1f", h.runSeconds() / 60));
        }
        return String.join(" + ", parts);
    }

    private static void row(StringBuilder md, String n, String what, String target, String plugin, String builtIn,
            Boolean met) {
        md.append("| ").append(n).append(" | ").append(what).append(" | ").append(target.isEmpty() ? "–" : target)
                .append(" | ").append(plugin).append(" | ").append(builtIn).append(" | ")
                .append(met == null ? "–" : met ? "**pass**" : "**miss**").append(" |\n");
    }

    /** {@code group 1.23, group 0.45} in the map's order; empty for results written before it was recorded. */
    private static String groups(Map<String, Double> cpu) {
        if (cpu == null || cpu.isEmpty()) {
            return "not recorded";
        }
        StringBuilder sb = new StringBuilder();
        cpu.forEach((group, seconds) -> sb.append(sb.length() == 0 ? "" : ", ").append('`').append(group)
                .append("` ").append(num(seconds, 2)));
        return sb.toString();
    }

    /** " (N× lower)" when the built-in figure is known. */
    private static String ratio(double builtIn, double plugin) {
        if (Double.isNaN(builtIn) || plugin <= 0) {
            return "";
        }
        return String.format(Locale.ROOT, " (%.1f× lower)", builtIn / plugin);
    }

    private static String pair(Distribution d) {
        return ms(d.p50()) + " / " + ms(d.p99());
    }

    private static String ms(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v >= 10 ? String.format(Locale.ROOT, "%,.0f ms", v) : String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String kib(double bytes) {
        return String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private static String millisList(List<Double> millis) {
        List<String> s = new ArrayList<>();
        for (double v : millis) {
            s.add(String.format(Locale.ROOT, "%.0f", v));
        }
        return s.isEmpty() ? "–" : String.join(", ", s);
    }

    private static String threads(Map<String, Double> threads) {
        List<String> parts = new ArrayList<>();
        threads.forEach((name, s) -> parts.add(String.format(Locale.ROOT, "`%s` %.2f s", name, s)));
        return parts.isEmpty() ? "none measurable" : String.join(", ", parts);
    }

    private static String counters(Map<String, Double> counters) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of(PluginMetrics.NOTIFICATIONS, PluginMetrics.BATCHES, PluginMetrics.READS,
                PluginMetrics.CONVERSIONS, PluginMetrics.SNAPSHOTS, PluginMetrics.RESPONSES)) {
            parts.add(String.format(Locale.ROOT, "`%s` +%,.0f", key, counters.getOrDefault(key, 0.0)));
        }
        return String.join(", ", parts);
    }
}
