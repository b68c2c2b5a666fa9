package io.nacosistio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes RESULTS.md and the charts of one scale run from its results; nothing in them is written by hand. */
final class ScaleReport {

    private static final String MCP_COLOR = SvgCharts.PLUGIN_COLOR;
    private static final String FILES_COLOR = "#6a9a3a";

    private ScaleReport() {
    }

    static void write(Path out, ScaleResults.Run run) throws IOException {
        String stamp = stamp(run);
        Files.writeString(out.resolve("RESULTS.md"), markdown(run));
        List<SvgCharts.Bar> cpu = new ArrayList<>();
        List<SvgCharts.Bar> sync = new ArrayList<>();
        List<SvgCharts.Series> latency = new ArrayList<>();
        for (ScaleResults.Size s : run.sizes()) {
            for (ScaleResults.IstiodRun r : List.of(s.mcp(), s.files())) {
                String color = r == s.mcp() ? MCP_COLOR : FILES_COLOR;
                String label = String.format(Locale.ROOT, "%,d services, %s", s.services(), r.source());
                double v = r.perChange().istiodCpuMsPerChange();
                cpu.add(new SvgCharts.Bar(label, v, color, f("%.1f ms", v)));
                sync.add(new SvgCharts.Bar(label, r.startToSyncedMillis() / 1000, color,
                        f("%.1f s", r.startToSyncedMillis() / 1000)));
                latency.add(new SvgCharts.Series(label, r.perChange().latency().samplesMillis(), color));
            }
        }
        Files.writeString(out.resolve("istiod-cpu-per-change.svg"), SvgCharts.bars(
                "istiod CPU per instance change at 1 change/s (quiet to quiet)", "milliseconds of istiod CPU per change",
                cpu, stamp));
        Files.writeString(out.resolve("istiod-start-to-synced.svg"), SvgCharts.bars(
                "istiod start → caches synced", "seconds", sync, stamp));
        Files.writeString(out.resolve("change-to-eds.svg"), SvgCharts.distribution(
                "Instance change → EDS at the sidecar clients, 1 change/s", "milliseconds", latency, true, stamp));
    }

    private static String stamp(ScaleResults.Run run) {
        Results.Machine m = run.machine();
        return f("%s · %d cores · %s · istiod %s · load %.1f→%.1f", m.date(), m.cores(), m.cpu(), run.istiod(),
                run.loadAverageBefore(), run.loadAverageAfter());
    }

    private static String markdown(ScaleResults.Run run) {
        Results.Machine m = run.machine();
        StringBuilder md = new StringBuilder();
        md.append("# istiod at scale: results (").append(run.mode()).append(" mode)\n\n");
        md.append("Written by `bench/istiod-scale.sh").append(run.mode().equals("full") ? " --full" : "")
                .append("`; method in [../istiod-scale.md](../").append(run.mode().equals("full") ? "" : "../")
                .append("istiod-scale.md). Nothing here is edited by hand.\n\n");
        md.append(f("- Machine: %d cores (%s), %.1f GiB, %s, %s%n", m.cores(), m.cpu(), m.memoryBytes() / (double) (1L << 30),
                m.jvm(), m.os()));
        md.append(f("- Date: %s; run took %.1f min; Nacos 3.1 booted in %.1f s%n", m.date(), run.minutes(),
                run.nacosBootSeconds()));
        md.append(f("- Load: 1-minute load average %.2f before, %.2f after; the whole machine was %.2f of %d cores busy"
                + " on average during the run (this benchmark included)%n", run.loadAverageBefore(), run.loadAverageAfter(),
                run.machineBusyCores(), m.cores()));
        md.append(f("- istiod %s; %d sidecar-like clients on each istiod; plugin defaults (quiet period 100 ms, max delay 1 s, leading edge on)%n%n",
                run.istiod(), run.sidecars()));

        md.append("## Sync and memory\n\n");
        md.append("| services × endpoints | source | istiod start → synced | istiod CPU until synced | ServiceEntries | Go heap in use after sync | RSS after sync | sidecars hold every cluster's endpoints | Go heap / RSS with sidecars |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleResults.Size s : run.sizes()) {
            for (ScaleResults.IstiodRun r : List.of(s.mcp(), s.files())) {
                md.append(f("| %,d × %d | %s | %,.0f ms | %s | %,d | %.0f MiB | %.0f MiB | %,.0f ms | %.0f / %.0f MiB |%n",
                        s.services(), s.endpointsPerService(), r.source(), r.startToSyncedMillis(),
                        r.cpuSecondsToSync() > 0 ? f("%.1f s", r.cpuSecondsToSync()) : "–", r.serviceEntries(),
                        r.afterSync().heapInUseMiB(), r.afterSync().rssMiB(), r.sidecarsSyncedMillis(),
                        r.withSidecars().heapInUseMiB(), r.withSidecars().rssMiB()));
            }
        }
        md.append("\n![start to synced](istiod-start-to-synced.svg)\n\n");

        md.append("## One instance change at 1 change/s\n\n");
        md.append("istiod CPU from `/proc/<pid>/stat` over the window; *net* subtracts istiod's idle CPU over the same time."
                + " Pushes to proxies are `pilot_xds_pushes` by type summed over the sidecar clients; a full push"
                + " shows as CDS, LDS and RDS pushes and as a `config` or `service` trigger (`pilot_push_triggers`); push"
                + " contexts (`pilot_pushcontext_init_seconds_count`) count every push istiod prepared, endpoints-only ones"
                + " included. Latency: from the write returning to the first EDS response at a"
                + " sidecar client holding the change, every client counted.\n\n");
        md.append("| services | source | changes | istiod CPU / change (net) | idle istiod | plugin CPU / change | MCP responses / change | bytes to istiod / change | pushes to proxies (cds/eds/lds/rds) | push contexts | triggers | change → EDS p50 / p90 / p99 | undelivered |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleResults.Size s : run.sizes()) {
            for (ScaleResults.IstiodRun r : List.of(s.mcp(), s.files())) {
                ScaleResults.PerChange p = r.perChange();
                Map<String, Long> x = p.pushesToProxies();
                md.append(f("| %,d | %s | %d | %.1f ms (%.1f ms) | %.3f cores | %s | %s | %s | %d / %d / %d / %d | %d | %s | %.0f / %.0f / %.0f ms | %d |%n",
                        s.services(), r.source(), p.changes(), p.istiodCpuMsPerChange(), p.istiodNetCpuMsPerChange(),
                        r.idleCpuCores(), Double.isNaN(p.pluginCpuMsPerChange()) ? "–" : f("%.1f ms", p.pluginCpuMsPerChange()),
                        Double.isNaN(p.responsesToIstiodPerChange()) || p.responsesToIstiodPerChange() == 0 ? "–" : f("%.2f", p.responsesToIstiodPerChange()),
                        Double.isNaN(p.bytesToIstiodPerChange()) ? "–" : f("%,.0f B", p.bytesToIstiodPerChange()),
                        x.get("cds"), x.get("eds"), x.get("lds"), x.get("rds"), p.pushContexts(), p.pushTriggers(),
                        p.latency().p50(), p.latency().p90(), p.latency().p99(), p.undelivered()));
            }
            double ratio = s.mcp().perChange().istiodNetCpuMsPerChange() / s.files().perChange().istiodNetCpuMsPerChange();
            md.append(f("| %,d | **MCP ÷ files** | | **%.2f×** | | | | | | | | | |%n", s.services(), ratio));
        }
        md.append("\n![istiod CPU per change](istiod-cpu-per-change.svg)\n\n![change to EDS](change-to-eds.svg)\n\n");
        timeSplit(md, run);

        md.append("## Churn through Nacos\n\n");
        md.append("| services | changes/s (asked / made, skipped) | istiod cores mean / max (per-second samples) | EDS pushes to proxies / s | CDS pushes / s | push contexts | triggers | plugin cores | bytes to istiod / s | staleness p50 / p90 / p99 / max | undelivered |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleResults.Size s : run.sizes()) {
            ScaleResults.Churn c = s.churn();
            md.append(f("| %,d | %.0f / %.0f (%d) over %.0f s | %.2f / %.2f | %.1f | %.1f | %d | %s | %.2f | %,.0f | %.0f / %.0f / %.0f / %.0f ms | %d |%n",
                    s.services(), c.targetRate(), c.achievedRate(), c.skipped(), c.seconds(), c.meanIstiodCores(),
                    c.maxIstiodCores(), c.meanEdsPushesPerSecond(), c.meanCdsPushesPerSecond(), c.pushContexts(),
                    c.pushTriggers(), c.pluginCores(), c.bytesToIstiodPerSecond(), c.staleness().p50(), c.staleness().p90(),
                    c.staleness().p99(), c.staleness().max(), c.undelivered()));
        }
        md.append("\n");

        md.append("## Targets\n\n");
        md.append("| target | measured | |\n|---|---|---|\n");
        for (ScaleResults.Size s : run.sizes()) {
            ScaleResults.PerChange p = s.mcp().perChange();
            Map<String, Long> x = p.pushesToProxies();
            boolean noFull = x.get("cds") == 0 && x.get("lds") == 0 && x.get("rds") == 0
                    && s.churn().meanCdsPushesPerSecond() == 0 && endpointOnly(p.pushTriggers())
                    && endpointOnly(s.churn().pushTriggers());
            md.append(f("| an instance-only change never causes a full push (%,d services) | CDS/LDS/RDS pushes %d/%d/%d and triggers %s at 1 change/s; %.1f CDS pushes/s and triggers %s under churn | %s |%n",
                    s.services(), x.get("cds"), x.get("lds"), x.get("rds"), p.pushTriggers(),
                    s.churn().meanCdsPushesPerSecond(), s.churn().pushTriggers(), noFull ? "met" : "**missed**"));
        }
        ScaleResults.Size largest = run.sizes().get(run.sizes().size() - 1);
        double ratio = largest.mcp().perChange().istiodCpuMsPerChange() / largest.files().perChange().istiodCpuMsPerChange();
        md.append(f("| istiod CPU per Nacos change within 2× of files (%,d services) | %.1f ms against %.1f ms (whole window): %.2f× | %s |%n",
                largest.services(), largest.mcp().perChange().istiodCpuMsPerChange(),
                largest.files().perChange().istiodCpuMsPerChange(), ratio, ratio <= 2 ? "met" : "**missed**"));
        int endpoints = largest.services() * largest.endpointsPerService();
        md.append(f("| new-istiod sync of 100,000 endpoints ≤ 5 s | %,d endpoints: %.1f s%s | %s |%n", endpoints,
                largest.mcp().startToSyncedMillis() / 1000, largest.mcp().cpuSecondsToSync() > 0
                        ? f(" (istiod CPU until synced %.1f s)", largest.mcp().cpuSecondsToSync()) : "", endpoints < 100_000 ? "not at this size"
                        : largest.mcp().startToSyncedMillis() <= 5000 ? "met" : "**missed**"));
        md.append("\n## Per 1,000 services (from the largest size, divided linearly)\n\n");
        double k = largest.services() / 1000.0;
        md.append(f("- istiod Go heap in use after sync: %.0f MiB per 1,000 services (MCP), %.0f MiB (files); RSS %.0f and %.0f MiB%n",
                largest.mcp().afterSync().heapInUseMiB() / k, largest.files().afterSync().heapInUseMiB() / k,
                largest.mcp().afterSync().rssMiB() / k, largest.files().afterSync().rssMiB() / k));
        md.append(f("- istiod start → synced: %.2f s per 1,000 services (MCP)%n", largest.mcp().startToSyncedMillis() / 1000 / k));
        md.append(f("- istiod CPU per instance change at 1 change/s: %.1f ms per 1,000 services (MCP), %.1f ms (files)%n",
                largest.mcp().perChange().istiodCpuMsPerChange() / k, largest.files().perChange().istiodCpuMsPerChange() / k));
        md.append(f("- bytes sent to istiod per change: %,.0f B per 1,000 services%n",
                largest.mcp().perChange().bytesToIstiodPerChange() / k));
        return md.toString();
    }

    /** Where change → EDS goes at the MCP istiod, for the runs that recorded it. */
    private static void timeSplit(StringBuilder md, ScaleResults.Run run) {
        if (run.sizes().stream().allMatch(s -> s.mcp().perChange().split() == null)) {
            return;
        }
        md.append("### Where change → EDS goes (MCP)\n\n");
        md.append("*To istiod*: from the write returning to istiod's log line for the ServiceEntry response that holds"
                + " the change (istiod logs each response as it receives it, before handling it): the plugin's leading"
                + " edge and batch, the set sent, the bytes on the wire. *In istiod*: from that line to the first EDS"
                + " response holding the change at a sidecar: decoding and storing the whole set, istiod's own debounce,"
                + " the push. istiod's `pilot_debounce_time` (first event → push queued) and"
                + " `pilot_proxy_convergence_time` (event → proxy has the push) are means over the same window.\n\n");
        md.append("| services | changes split | change → istiod has the response p50 / p99 | in istiod → first sidecar EDS p50 / p99 | istiod debounce, mean | istiod convergence, mean | change → EDS p50 / p99 (every sidecar) |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (ScaleResults.Size s : run.sizes()) {
            ScaleResults.PerChange p = s.mcp().perChange();
            if (p.split() == null) {
                continue;
            }
            md.append(f("| %,d | %d of %d | %.0f / %.0f ms | %.0f / %.0f ms | %s | %s | %.0f / %.0f ms |%n", s.services(),
                    p.split().writeToIstiod().count(), p.changes(), p.split().writeToIstiod().p50(),
                    p.split().writeToIstiod().p99(), p.split().istiodToEds().p50(), p.split().istiodToEds().p99(),
                    Double.isNaN(p.istiodDebounceMeanMs()) ? "–" : f("%.0f ms", p.istiodDebounceMeanMs()),
                    Double.isNaN(p.istiodConvergenceMeanMs()) ? "–" : f("%.0f ms", p.istiodConvergenceMeanMs()),
                    p.latency().p50(), p.latency().p99()));
        }
        md.append("\n");
    }

    private static boolean endpointOnly(Map<String, Long> triggers) {
        return triggers.keySet().stream().allMatch("endpoint"::equals);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
