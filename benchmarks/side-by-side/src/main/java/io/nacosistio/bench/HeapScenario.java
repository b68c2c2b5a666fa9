package io.nacosistio.bench;

import io.nacosistio.it.IstiodLikeClient.Received;

import java.util.ArrayList;
import java.util.List;

/**
 * Measurements 5 and 6 at the large size, in a JVM of their own per mode: heap after full collections with the
 * registry filled and neither server, only the plugin, or only the built-in module enabled (the difference to
 * "neither" is what the server retains), and the time a new client takes to receive every ServiceEntry.
 */
final class HeapScenario {

    enum HeapMode { NONE, PLUGIN, BUILT_IN }

    private static final long SYNC_TIMEOUT_MILLIS = 600_000;

    private final ScenarioConfig config;
    private final HeapMode mode;

    HeapScenario(ScenarioConfig config, HeapMode mode) {
        this.config = config;
        this.mode = mode;
    }

    Results.Heap run() throws Exception {
        long runStarted = System.nanoTime();
        double loadBefore = MachineCpu.loadAverage();
        ThreadCpu runCpu = ThreadCpu.take();
        int services = config.largeServices();
        Log.info("heap (%s): booting Nacos 3.1", mode);
        try (BenchNacos nacos = BenchNacos.boot(mode == HeapMode.PLUGIN, mode == HeapMode.BUILT_IN);
             Registry registry = new Registry(nacos.httpPort(), services, config.endpoints(), 2, Registry.SEQ_LABEL)) {
            Log.info("heap (%s): registering %d services x %d instances", mode, services, config.endpoints());
            double fillSeconds = registry.fillTo(services, 4);
            Log.info("heap (%s): registry filled in %.1f s", mode, fillSeconds);
            List<Double> syncMillis = new ArrayList<>();
            long bytes = 0;
            if (mode != HeapMode.NONE) {
                MeshServer server = mode == HeapMode.PLUGIN ? MeshServer.PLUGIN : MeshServer.BUILT_IN;
                // The first client waits for the server to catch up with the fill; the timed ones find it ready.
                BenchStream.subscribeSynced(server, nacos.port(server), BenchStream.Mode.COUNT, null, services,
                        SYNC_TIMEOUT_MILLIS, () -> { }).close();
                for (int run = 0; run < config.fullSyncRuns(); run++) {
                    try (BenchStream client = BenchStream.subscribeSynced(server, nacos.port(server), BenchStream.Mode.COUNT,
                            null, services, SYNC_TIMEOUT_MILLIS, () -> { })) {
                        Received full = client.firstWithAtLeast(services);
                        syncMillis.add((full.nanoTime() - client.subscribedAtNanos()) / 1e6);
                        bytes = full.sizeBytes();
                    }
                }
                Log.info("heap (%s): full sync of %d services in %s ms, %d bytes", mode, services, syncMillis, bytes);
            }
            // Give Nacos's and the servers' deferred work time to settle before weighing the heap.
            Thread.sleep(5000);
            long heap = Memory.heapAfterGc();
            Log.info("heap (%s): %d MB used after full collections", mode, heap >> 20);
            ThreadCpu runEnd = ThreadCpu.take();
            Results.Load load = new Results.Load(loadBefore, MachineCpu.loadAverage(),
                    runEnd.machineBusyCoresSince(runCpu),
                    runEnd.processSecondsSince(runCpu) / runEnd.wallSecondsSince(runCpu));
            return new Results.Heap(Environment.machine(), mode.name(), services, config.endpoints(),
                    nacos.bootSeconds(), fillSeconds, heap, syncMillis,
                    syncMillis.isEmpty() ? Double.NaN : Distribution.ofMillis(syncMillis).p50(), bytes, load,
                    (System.nanoTime() - runStarted) / 1e9);
        }
    }
}
