package io.nacosistio.plugin.reconcile;

import io.nacosistio.plugin.metrics.ReconcileMetrics;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What a {@link ReconcileLoop} runs on and by: its pipeline's name, the single-threaded executor that owns the
 * pipeline's state, the clock, the debounce timing, the resync interval and the counters. Immutable.
 */
public final class LoopSetup {

    final String pipeline;
    final ScheduledExecutorService executor;
    final LongSupplier nanoClock;
    final Debounce debounce;
    final long resyncIntervalMillis;
    final ReconcileMetrics metrics;

    private LoopSetup(String pipeline, ScheduledExecutorService executor, LongSupplier nanoClock, Debounce debounce,
            long resyncIntervalMillis, ReconcileMetrics metrics) {
        this.pipeline = pipeline;
        this.executor = executor;
        this.nanoClock = nanoClock;
        this.debounce = debounce;
        this.resyncIntervalMillis = resyncIntervalMillis;
        this.metrics = metrics;
    }

    /**
     * @param executor             must run one task at a time (a single thread); the loop shuts it down on close
     * @param resyncIntervalMillis 0 for no periodic full reconciliation
     */
    public static LoopSetup of(String pipeline, ScheduledExecutorService executor, LongSupplier nanoClock,
            Debounce debounce, long resyncIntervalMillis, ReconcileMetrics metrics) {
        return new LoopSetup(pipeline, executor, nanoClock, debounce, resyncIntervalMillis, metrics);
    }

    /** A loop on a daemon thread of its own named {@code threadName}, timed by {@link System#nanoTime()}. */
    public static LoopSetup onOwnThread(String pipeline, String threadName, Debounce debounce,
            long resyncIntervalMillis, ReconcileMetrics metrics) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        return new LoopSetup(pipeline, executor, System::nanoTime, debounce, resyncIntervalMillis, metrics);
    }

    public String pipeline() {
        return pipeline;
    }

    public ReconcileMetrics metrics() {
        return metrics;
    }
}
