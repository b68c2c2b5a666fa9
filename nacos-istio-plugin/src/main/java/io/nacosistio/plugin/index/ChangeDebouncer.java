package io.nacosistio.plugin.index;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Collects changed keys from any thread and hands them over in batches, on one executor thread, once
 * changes have been quiet for the quiet period, or at the latest after the max delay since the first
 * pending change. The max delay bounds when a change is handed over <em>and processed</em>: a batch
 * forced by it starts early by as long as the previous batch took to process (never earlier than the
 * quiet period), so that under continuous churn its result is out by the max delay rather than one
 * processing time after it. With the leading edge on, the first change after a whole quiet period without
 * one is handed over after a short gathering window instead (an isolated change does not wait for a quiet
 * period that is already there); the window takes in the other events of the same operation, since Nacos
 * publishes one registration as several events a few milliseconds apart. The changes that follow within the
 * quiet period are coalesced as above, so a burst costs at most one extra batch. At most one timer is armed at any time: an event never creates a thread or a timer of its
 * own, and nothing runs while nothing changes.
 *
 * <p>Threading: {@link #markDirty} is called from any thread and only touches state under this
 * object's lock; the batch consumer always runs on the given single-thread executor.
 */
public final class ChangeDebouncer<K> {

    /** How long a leading-edge batch gathers the events that come with its first one. */
    static final long LEADING_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ScheduledExecutorService executor;
    private final long quietNanos;
    private final long maxDelayNanos;
    private final boolean leadingEdge;
    private final LongSupplier nanoClock;
    private final Consumer<Set<K>> batchConsumer;

    private Set<K> pending = new LinkedHashSet<>();
    private long firstPendingAt;
    private long lastChangeAt;
    private boolean changedBefore;
    private boolean handOverAtOnce;
    private ScheduledFuture<?> armed;
    /** How long the batch consumer took last time; written and read on the executor thread only. */
    private long lastBatchNanos;

    public ChangeDebouncer(ScheduledExecutorService executor, Debounce timing, LongSupplier nanoClock,
            Consumer<Set<K>> batchConsumer) {
        this.executor = executor;
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(timing.quietMillis);
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(timing.maxDelayMillis);
        this.leadingEdge = timing.leadingEdge;
        this.nanoClock = nanoClock;
        this.batchConsumer = batchConsumer;
    }

    /** Records a change; the key is handed over in a later batch. */
    public synchronized void markDirty(K key) {
        long now = nanoClock.getAsLong();
        boolean afterQuiet = !changedBefore || now - lastChangeAt >= quietNanos;
        if (pending.isEmpty()) {
            firstPendingAt = now;
        }
        pending.add(key);
        lastChangeAt = now;
        changedBefore = true;
        if (armed == null) {
            if (leadingEdge && afterQuiet) {
                handOverAtOnce = true;
                arm(Math.min(LEADING_GATHER_NANOS, quietNanos));
            } else {
                arm(quietNanos);
            }
        }
    }

    private void arm(long delayNanos) {
        armed = executor.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        Set<K> batch;
        synchronized (this) {
            armed = null;
            if (pending.isEmpty()) {
                handOverAtOnce = false;
                return;
            }
            long now = nanoClock.getAsLong();
            long quietEndsAt = lastChangeAt + quietNanos;
            long lead = Math.min(lastBatchNanos, maxDelayNanos - quietNanos);
            long deadline = firstPendingAt + maxDelayNanos - lead;
            long dueAt = Math.min(quietEndsAt, deadline);
            if (now < dueAt && !handOverAtOnce) {
                // Changes kept arriving during the quiet period: wait for quiet, but never past the deadline.
                arm(dueAt - now);
                return;
            }
            handOverAtOnce = false;
            batch = pending;
            pending = new LinkedHashSet<>();
        }
        long started = nanoClock.getAsLong();
        try {
            batchConsumer.accept(batch);
        } finally {
            lastBatchNanos = Math.max(0, nanoClock.getAsLong() - started);
        }
    }
}
