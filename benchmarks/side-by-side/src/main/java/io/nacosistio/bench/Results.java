package io.nacosistio.bench;

import java.util.List;
import java.util.Map;

/** What the scenarios measure, as written to JSON by each scenario JVM and read back by {@link BenchMain}. */
final class Results {

    private Results() {
    }

    /** The machine and JVM a run was measured on. */
    record Machine(int cores, long memoryBytes, String cpu, String jvm, String os, String date) {
    }

    /** How busy the machine was while a run measured: its own process and everything else, in cores. */
    record Load(double loadAverageBefore, double loadAverageAfter, double machineBusyCores, double ownProcessCores) {
    }

    /** Measurement 1: change → delivery latency at one change per second. */
    record Latency(Distribution measuringStream, Distribution allStreams, int changes, int undelivered,
            double pluginConversionsPerChange, double pluginReadsPerChange, double pluginSnapshotsPerChange) {
    }

    /** Measurement 2 and 3: churn. */
    record Churn(double responsesPerStreamPerSecond, double bytesPerStreamPerSecond, double bytesPerStreamPerChange,
            Distribution staleness, int undelivered, double ownCpuSeconds, double cpuSecondsPer1000Changes,
            Map<String, Double> cpuByThreadGroup, Map<String, Double> topThreads) {
    }

    /** Measurement 4: idle. */
    record Idle(int clients, double seconds, double ownCpuSeconds, double percentOfOneCore,
            Map<String, Double> topThreads) {
    }

    /** Measurement 6 and 7 at the main size. */
    record FullSync(int services, int endpoints, List<Double> millis, double medianMillis, long serviceEntryBytes,
            double bytesPerEndpoint) {
    }

    /** Measurement 8: many streams, one of them stalled. */
    record Stall(int streams, int changes, Distribution latencyBeforeStall, Distribution latencyOtherStreams,
            Map<String, Double> cpuByThreadGroup, int undelivered,
            long heapAfterGcBefore, long heapAfterGcAfter, long directBefore, long directAfter, long directMax,
            String directCounter, int responsesToStalledAfterResume, List<Integer> statesToStalled, int latestState,
            double stalledCatchUpMillis, boolean stalledReachedLatest) {
    }

    /** One server's results in the side-by-side run. */
    record ServerResults(String server, FullSync fullSync, Latency latency, Churn churn, Idle idle, Stall stall,
            FullSync fullSyncLarge) {
    }

    /**
     * Measurement 5 in the side-by-side JVM, at the large size: heap after full collections with the plugin
     * running, then after stopping it in place (its threads gone, its index dropped).
     */
    record PluginHeap(int services, int endpoints, double extendSeconds, long heapWithPlugin, long heapAfterStop,
            double bytesPerEndpoint, int pluginThreadsLeft) {
    }

    /** The side-by-side run: one Nacos, both servers, the same registry and clients. */
    record SideBySide(Machine machine, int services, int endpointsPerService, double bootSeconds, double fillSeconds,
            int clientsPerServer, int warmUpChanges, double warmUpSeconds, double churnTargetRate, double churnSeconds,
            int churnChanges,
            double churnAchievedRate, double processIdleCores, Map<String, Double> idleCpuByThreadGroup,
            Map<String, Double> pluginChurnCounters, List<ServerResults> servers, PluginHeap pluginHeap,
            int builtInStreamFailures, Load load, double runSeconds) {
    }

    /** Measurement 5 and 6 at the large size: one Nacos per mode (none, plugin, built-in). */
    record Heap(Machine machine, String mode, int services, int endpointsPerService, double bootSeconds,
            double fillSeconds, long heapAfterGc, List<Double> fullSyncMillis, double fullSyncMedianMillis,
            long serviceEntryBytes, Load load, double runSeconds) {
    }
}
