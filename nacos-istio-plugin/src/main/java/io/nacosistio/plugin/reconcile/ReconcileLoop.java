package io.nacosistio.plugin.reconcile;

import io.nacosistio.plugin.concurrent.Shutdown;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The loop both pipelines run: keys marked dirty (with why) from any thread, debounced into batches; each key
 * of a batch applied on its own, so one that throws is counted, logged and keeps what it served while the rest
 * of the batch goes on; the batch then published as a whole. A full reconciliation (every key the pipeline
 * lists) runs at start, every resync interval and on request. Model: istiod's single debounce with push
 * reasons.
 *
 * <p>Threading: the pipeline's {@link Pipeline#apply}, {@link Pipeline#publish} and every task handed to the
 * loop run on its executor, one at a time; that executor owns the pipeline's state. {@link #markDirty} and the
 * other public methods are safe from any thread. The executor and the clock are injected, so the loop is
 * tested with a manual scheduler and clock.
 */
public final class ReconcileLoop<K> implements AutoCloseable {

    /** What differs between the pipelines: which keys exist, how one is brought in step, what is published. */
    public interface Pipeline<K> {

        /** Every key a full reconciliation reads: those the source lists and those the index holds. */
        Collection<K> allKeys();

        /** Reads one key and brings the index in step with it. A throw leaves the key as it was. */
        void apply(K key);

        /** After the keys of a batch: publishes what changed. {@code reasons} are those of every key in it. */
        void publish(Set<Reason> reasons);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    /** How many batches {@link #recentBatches()} keeps. */
    static final int RECENT_BATCHES = 16;
    /** How many keys a batch record names. */
    static final int KEYS_NAMED = 5;

    private final String name;
    private final Pipeline<K> pipeline;
    private final ScheduledExecutorService executor;
    private final LongSupplier nanoClock;
    private final long resyncIntervalMillis;
    private final ReconcileMetrics metrics;
    private final ChangeDebouncer<K> debouncer;
    private final AtomicReference<List<BatchRecord>> recent =
            new AtomicReference<>(Collections.<BatchRecord>emptyList());

    public ReconcileLoop(LoopSetup setup, Pipeline<K> pipeline) {
        this.name = setup.pipeline;
        this.pipeline = pipeline;
        this.executor = setup.executor;
        this.nanoClock = setup.nanoClock;
        this.resyncIntervalMillis = setup.resyncIntervalMillis;
        this.metrics = setup.metrics;
        for (Reason reason : Reason.values()) {
            metrics.declareReason(reason.label());
        }
        this.debouncer = new ChangeDebouncer<>(executor, setup.debounce, nanoClock, this::processDebounced);
    }

    /** Records that {@code key} may have changed; it is reconciled in a later batch. Safe from any thread. */
    public void markDirty(K key, Reason reason) {
        try {
            debouncer.markDirty(key, reason);
        } catch (RejectedExecutionException e) {
            // closing: nothing runs any more
        }
    }

    /**
     * Queues the first full reconciliation and schedules the periodic ones. The future completes once the first
     * is published, or fails with what stopped it (listing the keys, or publishing).
     */
    public Future<?> start() {
        Future<?> first = executor.submit(() -> reconcileAll(Reason.START));
        if (resyncIntervalMillis > 0) {
            every(resyncIntervalMillis, "reconciliation", () -> reconcileAll(Reason.RESYNC));
        }
        return first;
    }

    /**
     * Reads every key again (on the loop's thread, after what is queued there) for {@code reason}, publishes,
     * then runs {@code whenDone}, also when the re-read failed (logged). Safe from any thread.
     */
    public void reconcileAllThen(Reason reason, Runnable whenDone) {
        execute("re-read", () -> {
            try {
                reconcileAll(reason);
            } finally {
                whenDone.run();
            }
        });
    }

    /** Runs {@code check} on the loop's thread every {@code periodMillis}; a failing run is logged, the next one still runs. */
    public void every(long periodMillis, String what, Runnable check) {
        executor.scheduleWithFixedDelay(() -> runLogged(what, check), periodMillis, periodMillis,
                TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the loop's thread once {@code delayMillis} have passed; a failure is logged. */
    public void schedule(long delayMillis, String what, Runnable task) {
        try {
            executor.schedule(() -> runLogged(what, task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: nothing runs any more
        }
    }

    /** Runs {@code task} on the loop's thread after what is queued there; a failure is logged. Dropped when closed. */
    public void execute(String what, Runnable task) {
        try {
            executor.execute(() -> runLogged(what, task));
        } catch (RejectedExecutionException e) {
            // closing: nothing runs any more
        }
    }

    /**
     * Queues {@code task} on the loop's thread; the future completes when it has run (or fails with what it
     * threw). Throws {@link RejectedExecutionException} once the loop is closed.
     */
    public Future<?> submit(Runnable task) {
        return executor.submit(task);
    }

    /** The last batches, oldest first; safe from any thread. */
    public List<BatchRecord> recentBatches() {
        return recent.get();
    }

    /** Stops the loop's thread; once this returns (or the wait of {@link Shutdown#AWAIT_MILLIS} ends), nothing of the loop runs. */
    @Override
    public void close() {
        if (!Shutdown.now(executor, Shutdown.AWAIT_MILLIS)) {
            LOG.warn("nacos-istio-plugin: the {} thread did not stop within {} ms", name, Shutdown.AWAIT_MILLIS);
        }
    }

    private void runLogged(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: {} {} failed; serving what the index holds", name, what, e);
        }
    }

    private void reconcileAll(Reason reason) {
        Map<K, Set<Reason>> batch = new LinkedHashMap<>();
        Set<Reason> why = Collections.unmodifiableSet(EnumSet.of(reason));
        for (K key : pipeline.allKeys()) {
            batch.put(key, why);
        }
        process(batch);
    }

    private void processDebounced(Map<K, Set<Reason>> batch) {
        runLogged("batch", () -> process(batch));
    }

    private void process(Map<K, Set<Reason>> batch) {
        long started = nanoClock.getAsLong();
        Set<Reason> reasons = EnumSet.noneOf(Reason.class);
        EnumMap<Reason, Integer> keysByReason = new EnumMap<>(Reason.class);
        List<String> firstKeys = new ArrayList<>();
        int failures = 0;
        for (Map.Entry<K, Set<Reason>> entry : batch.entrySet()) {
            K key = entry.getKey();
            for (Reason reason : entry.getValue()) {
                reasons.add(reason);
                keysByReason.merge(reason, 1, Integer::sum);
                metrics.reconciled(reason.label());
            }
            if (firstKeys.size() < KEYS_NAMED) {
                firstKeys.add(String.valueOf(key));
            }
            try {
                pipeline.apply(key);
            } catch (RuntimeException e) {
                failures++;
                metrics.keyFailures.incrementAndGet();
                LOG.error("nacos-istio-plugin: {} key {} (reconciled for {}) could not be processed; it keeps what "
                        + "it served", name, key, entry.getValue(), e);
            }
        }
        try {
            pipeline.publish(reasons);
        } finally {
            long nanos = Math.max(0, nanoClock.getAsLong() - started);
            metrics.batches.incrementAndGet();
            metrics.lastBatchKeys.set(batch.size());
            metrics.lastBatchNanos.set(nanos);
            remember(new BatchRecord(metrics.batches.get(), batch.size(), keysByReason, failures, nanos, firstKeys));
        }
    }

    private void remember(BatchRecord record) {
        List<BatchRecord> next = new ArrayList<>(recent.get());
        next.add(record);
        if (next.size() > RECENT_BATCHES) {
            next.remove(0);
        }
        recent.set(Collections.unmodifiableList(next));
    }
}
