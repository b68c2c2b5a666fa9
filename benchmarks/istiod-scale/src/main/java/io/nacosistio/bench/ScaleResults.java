package io.nacosistio.bench;

import java.util.List;
import java.util.Map;

/** What one run of the scale benchmark measured; written to {@code results.json} and rendered by {@link ScaleReport}. */
final class ScaleResults {

    private ScaleResults() {
    }

    /** Memory of one istiod: Go heap in use ({@code go_memstats_heap_inuse_bytes}) and the process's RSS. */
    record Memory(double heapInUseMiB, double rssMiB) {
    }

    /**
     * Changes at 1 change/s to one istiod's source, and what they cost and caused. Push contexts count every push
     * istiod prepared (it initialises one for endpoints-only pushes too, reusing the last); a full push shows as
     * CDS/LDS/RDS pushes to proxies and as a {@code config} or {@code service} trigger. {@code split} (MCP only)
     * divides change → EDS at the MCP istiod's receipt of the response; the means are istiod's own
     * {@code pilot_debounce_time} and {@code pilot_proxy_convergence_time} over the window.
     */
    record PerChange(int changes, double windowSeconds, double istiodCpuSeconds, double istiodCpuMsPerChange,
            double istiodNetCpuMsPerChange, double pluginCpuMsPerChange, double bytesToIstiodPerChange,
            double responsesToIstiodPerChange,
            Map<String, Long> pushesToProxies, long pushContexts, Map<String, Long> pushTriggers,
            Distribution latency, int undelivered, McpReceipts.Split split, double istiodDebounceMeanMs,
            double istiodConvergenceMeanMs) {
    }

    /** One istiod, fed by MCP from the plugin or by files; its CPU to sync is all it used from start to the sync line. */
    record IstiodRun(String source, double startToSyncedMillis, double cpuSecondsToSync, int serviceEntries, Memory afterSync,
            Memory withSidecars, double sidecarsSyncedMillis, double idleCpuCores, PerChange perChange) {
    }

    /** Churn through Nacos to the MCP istiod: per-second samples and staleness at the sidecars. */
    record Churn(double targetRate, double achievedRate, int changes, int skipped, double seconds,
            List<Double> istiodCoresPerSecond, List<Double> edsPushesPerSecond, List<Double> cdsPushesPerSecond,
            double meanIstiodCores, double maxIstiodCores, double meanEdsPushesPerSecond,
            double meanCdsPushesPerSecond, long pushContexts, Map<String, Long> pushTriggers, double pluginCores,
            double bytesToIstiodPerSecond, Distribution staleness, int undelivered) {
    }

    record Size(int services, int endpointsPerService, double fillSeconds, IstiodRun mcp, IstiodRun files,
            Churn churn) {
    }

    record Run(Results.Machine machine, String mode, String istiod, int sidecars, double nacosBootSeconds,
            double loadAverageBefore, double loadAverageAfter, double machineBusyCores, double minutes,
            List<Size> sizes) {
    }
}
