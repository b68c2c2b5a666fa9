package io.nacosistio.plugin.reconcile;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Collects changed keys, each with why it changed, from any thread and hands them over in batches (a key
 * marked several times goes once, with every reason it was marked for), on one executor thread, once
 * changes have been quiet for the quiet period, or at the latest after the max delay since the first
 * pending change. The max delay bounds when a change is handed over <em>and processed</em>: a batch
 * forced by it starts early by as long as the previous batch took to process (never earlier than the
 * quiet period), so that under continuous churn its result is out by the max delay rather than one
 * processing time after it. With the leading edge on, the first change after a whole quiet period without
 * one is handed over after a short gathering window instead (an isolated change does not wait for a quiet
 * period that is already there). The window takes in the other events of the same operation, since Nacos
 * publishes one registration as several events (on an idle Nacos 3.1 a fraction of a millisecond apart, a few
 * milliseconds at worst): it closes once events have paused for {@link #LEADING_PAUSE_NANOS}, and at the
 * latest {@link #LEADING_GATHER_NANOS} after its first one, so an isolated change is not held for the whole
 * window. The changes that follow within the quiet period are coalesced as above, so a burst costs at most
 * one extra batch. At most one timer is armed at any time: an event never creates a thread or a timer of its
 * own, and nothing runs while nothing changes.
 *
 * <p>Threading: {@link #markDirty} is called from any thread and only touches state under this
 * object's lock; the batch consumer always runs on the given single-thread executor.
 */
public final class ChangeDebouncer<K> {

    /** The longest a leading-edge batch gathers the events that come with its first one. */
    static final long LEADING_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A pause in events this long closes a leading-edge batch's gathering window early. */
    static final long LEADING_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private final ScheduledExecutorService executor;
    private final long quietNanos;
    private final long maxDelayNanos;
    private final boolean leadingEdge;
    private final LongSupplier nanoClock;
    private final Consumer<Map<K, Set<Reason>>> batchConsumer;

    private Map<K, Set<Reason>> pending = new LinkedHashMap<>();
    private long firstPendingAt;
    private long lastChangeAt;
    private boolean changedBefore;
    private boolean handOverAtOnce;
    private ScheduledFuture<?> armed;
    /** How long the batch consumer took last time; written and read on the executor thread only. */
    private long lastBatchNanos;

    public ChangeDebouncer(ScheduledExecutorService executor, Debounce timing, LongSupplier nanoClock,
            Consumer<Map<K, Set<Reason>>> batchConsumer) {
        this.executor = executor;
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(timing.quietMillis);
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(timing.maxDelayMillis);
        this.leadingEdge = timing.leadingEdge;
        this.nanoClock = nanoClock;
        this.batchConsumer = batchConsumer;
    }

    /** Records a change of {@code key} for {@code reason}; the key is handed over in a later batch. */
    public synchronized void markDirty(K key, Reason reason) {
        long now = nanoClock.getAsLong();
        boolean afterQuiet = !changedBefore || now - lastChangeAt >= quietNanos;
        if (pending.isEmpty()) {
            firstPendingAt = now;
        }
        Set<Reason> reasons = pending.get(key);
        if (reasons == null) {
            reasons = EnumSet.noneOf(Reason.class);
            pending.put(key, reasons);
        }
        reasons.add(reason);
        lastChangeAt = now;
        changedBefore = true;
        if (armed == null) {
            if (leadingEdge && afterQuiet) {
                handOverAtOnce = true;
                arm(Math.min(LEADING_PAUSE_NANOS, quietNanos));
            } else {
                arm(quietNanos);
            }
        }
    }

    /** A leading-edge batch: once events paused, at the latest at the end of the gathering window. */
    private long leadingDueAt() {
        long pauseEndsAt = lastChangeAt + Math.min(LEADING_PAUSE_NANOS, quietNanos);
        long windowEndsAt = firstPendingAt + Math.min(LEADING_GATHER_NANOS, quietNanos);
        return Math.min(pauseEndsAt, windowEndsAt);
    }

    /** Any other batch: once changes were quiet for the quiet period, at the latest by the deadline. */
    private long trailingDueAt() {
        long quietEndsAt = lastChangeAt + quietNanos;
        long lead = Math.min(lastBatchNanos, maxDelayNanos - quietNanos);
        long deadline = firstPendingAt + maxDelayNanos - lead;
        return Math.min(quietEndsAt, deadline);
    }

    private void arm(long delayNanos) {
        armed = executor.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        Map<K, Set<Reason>> batch;
        synchronized (this) {
            armed = null;
            if (pending.isEmpty()) {
                handOverAtOnce = false;
                return;
            }
            long now = nanoClock.getAsLong();
            long dueAt = handOverAtOnce ? leadingDueAt() : trailingDueAt();
            if (now < dueAt) {
                // Changes kept arriving: wait for the pause (or quiet), but never past the window (or deadline).
                arm(dueAt - now);
                return;
            }
            handOverAtOnce = false;
            batch = pending;
            pending = new LinkedHashMap<>();
        }
        long started = nanoClock.getAsLong();
        try {
            batchConsumer.accept(batch);
        } finally {
            lastBatchNanos = Math.max(0, nanoClock.getAsLong() - started);
        }
    }
}
