package io.nacosistio.plugin.reconcile;

import io.nacosistio.plugin.metrics.ReconcileMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loop driven by a manual clock and a scheduler that runs its tasks only when the clock is advanced. */
class ReconcileLoopTest {

    private final AtomicLong clock = new AtomicLong();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final ReconcileMetrics metrics = new ReconcileMetrics();
    private final RecordingPipeline pipeline = new RecordingPipeline();

    /** Keys it lists, what it applied (in order), what each publish saw; keys in {@code failing} throw. */
    private static class RecordingPipeline implements ReconcileLoop.Pipeline<String> {
        final List<String> keys = new ArrayList<>();
        final Set<String> failing = new HashSet<>();
        final List<String> applied = new ArrayList<>();
        final List<Set<Reason>> published = new ArrayList<>();
        RuntimeException listingFailure;
        RuntimeException publishFailure;

        @Override
        public Collection<String> allKeys() {
            if (listingFailure != null) {
                throw listingFailure;
            }
            return keys;
        }

        @Override
        public void apply(String key) {
            if (failing.contains(key)) {
                throw new IllegalStateException("bug while converting " + key);
            }
            applied.add(key);
        }

        @Override
        public void publish(Set<Reason> reasons) {
            published.add(reasons);
            if (publishFailure != null) {
                RuntimeException failure = publishFailure;
                publishFailure = null;
                throw failure;
            }
        }
    }

    private ReconcileLoop<String> loop(long resyncMillis) {
        return new ReconcileLoop<>(LoopSetup.of("test", scheduler, clock::get, Debounce.trailing(100, 1000),
                resyncMillis, metrics), pipeline);
    }

    @AfterEach
    void shutdown() {
        scheduler.shutdownNow();
    }

    @Test
    void startReadsEveryKeyOnTheLoopsThreadAndCompletesOncePublished() throws Exception {
        pipeline.keys.addAll(List.of("a", "b"));
        Future<?> started = loop(0).start();
        assertThat(started).isNotDone();
        assertThat(pipeline.applied).isEmpty();
        scheduler.advanceMillis(0);
        assertThat(started).isDone();
        started.get();
        assertThat(pipeline.applied).containsExactly("a", "b");
        assertThat(pipeline.published).containsExactly(EnumSet.of(Reason.START));
        assertThat(metrics.keysByReason()).containsEntry("start", 2L);
    }

    @Test
    void aStartWhoseListingFailsFailsTheFuture() {
        pipeline.listingFailure = new IllegalStateException("naming not there");
        Future<?> started = loop(0).start();
        scheduler.advanceMillis(0);
        assertThatThrownBy(started::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("naming not there");
    }

    @Test
    void aKeyWhoseApplyThrowsIsCountedAndKeptWhileTheRestOfTheBatchGoesOn() {
        ReconcileLoop<String> loop = loop(0);
        pipeline.failing.add("bad");
        loop.markDirty("a", Reason.EVENT);
        loop.markDirty("bad", Reason.EVENT);
        loop.markDirty("c", Reason.EVENT);
        scheduler.advanceMillis(100);
        assertThat(pipeline.applied).containsExactly("a", "c");
        assertThat(pipeline.published).as("the batch is still published").hasSize(1);
        assertThat(metrics.keyFailures.get()).isEqualTo(1);
        assertThat(loop.recentBatches()).singleElement().satisfies(b -> {
            assertThat(b.keys()).isEqualTo(3);
            assertThat(b.failures()).isEqualTo(1);
        });
    }

    @Test
    void aBatchCarriesWhyEachKeyIsInItIntoTheCountersAndTheRecord() {
        ReconcileLoop<String> loop = loop(0);
        loop.markDirty("a", Reason.EVENT);
        loop.markDirty("b", Reason.MEMBERSHIP_CHECK);
        loop.markDirty("a", Reason.CATALOG_CHECK);
        scheduler.advanceMillis(100);
        assertThat(pipeline.applied).containsExactly("a", "b");
        assertThat(pipeline.published).containsExactly(
                EnumSet.of(Reason.EVENT, Reason.CATALOG_CHECK, Reason.MEMBERSHIP_CHECK));
        BatchRecord batch = loop.recentBatches().get(0);
        assertThat(batch.number()).isEqualTo(1);
        assertThat(batch.keysByReason()).isEqualTo(
                Map.of(Reason.EVENT, 1, Reason.CATALOG_CHECK, 1, Reason.MEMBERSHIP_CHECK, 1));
        assertThat(batch.firstKeys()).containsExactly("a", "b");
        assertThat(metrics.keysByReason()).containsEntry("event", 1L).containsEntry("catalog-check", 1L)
                .containsEntry("membership-check", 1L).containsEntry("resync", 0L);
        assertThat(metrics.batches.get()).isEqualTo(1);
        assertThat(metrics.lastBatchKeys.get()).isEqualTo(2);
    }

    @Test
    void everyReasonIsCountedFromZeroBeforeItsFirstKey() {
        loop(0);
        assertThat(metrics.keysByReason()).hasSize(Reason.values().length).allSatisfy((reason, n) ->
                assertThat(n).isZero());
    }

    @Test
    void theBatchDurationComesFromTheInjectedClock() {
        ReconcileLoop<String> loop = new ReconcileLoop<>(LoopSetup.of("test", scheduler, clock::get,
                Debounce.trailing(100, 1000), 0, metrics), new RecordingPipeline() {
                    @Override
                    public void apply(String key) {
                        clock.addAndGet(7_000_000);
                    }
                });
        loop.markDirty("a", Reason.EVENT);
        loop.markDirty("b", Reason.EVENT);
        scheduler.advanceMillis(100);
        assertThat(metrics.lastBatchNanos.get()).isEqualTo(14_000_000);
        assertThat(loop.recentBatches().get(0).nanos()).isEqualTo(14_000_000);
    }

    @Test
    void theResyncReadsEveryKeyAtEachInterval() {
        pipeline.keys.addAll(List.of("a", "b"));
        loop(1_000).start();
        scheduler.advanceMillis(0);
        scheduler.advanceMillis(999);
        assertThat(pipeline.published).containsExactly(EnumSet.of(Reason.START));
        scheduler.advanceMillis(1);
        assertThat(pipeline.published).containsExactly(EnumSet.of(Reason.START), EnumSet.of(Reason.RESYNC));
        scheduler.advanceMillis(1_000);
        assertThat(pipeline.published).hasSize(3);
        assertThat(metrics.keysByReason()).containsEntry("resync", 4L);
    }

    @Test
    void aFailedResyncIsLoggedAndTheNextOneStillRuns() {
        pipeline.keys.add("a");
        loop(1_000).start();
        scheduler.advanceMillis(0);
        pipeline.listingFailure = new IllegalStateException("storage down");
        scheduler.advanceMillis(1_000);
        pipeline.listingFailure = null;
        scheduler.advanceMillis(1_000);
        assertThat(pipeline.published).containsExactly(EnumSet.of(Reason.START), EnumSet.of(Reason.RESYNC));
    }

    @Test
    void aReReadRunsAfterWhatIsQueuedAndCallsBackAlsoWhenItFails() {
        ReconcileLoop<String> loop = loop(0);
        pipeline.keys.add("a");
        List<String> order = new ArrayList<>();
        loop.execute("first", () -> order.add("queued before"));
        loop.reconcileAllThen(Reason.READINESS, () -> order.add("done"));
        assertThat(order).isEmpty();
        scheduler.advanceMillis(0);
        assertThat(order).containsExactly("queued before", "done");
        assertThat(pipeline.published).containsExactly(EnumSet.of(Reason.READINESS));

        pipeline.listingFailure = new IllegalStateException("storage down");
        AtomicInteger called = new AtomicInteger();
        loop.reconcileAllThen(Reason.READINESS, called::incrementAndGet);
        scheduler.advanceMillis(0);
        assertThat(called).hasValue(1);
    }

    @Test
    void aFailedPublishIsLoggedAndTheNextBatchStillRuns() {
        ReconcileLoop<String> loop = loop(0);
        pipeline.publishFailure = new IllegalStateException("publisher broke");
        loop.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(100);
        loop.markDirty("b", Reason.EVENT);
        scheduler.advanceMillis(100);
        assertThat(pipeline.applied).containsExactly("a", "b");
        assertThat(pipeline.published).hasSize(2);
        assertThat(loop.recentBatches()).hasSize(2);
    }

    @Test
    void aPeriodicCheckThatThrowsKeepsItsSchedule() {
        ReconcileLoop<String> loop = loop(0);
        AtomicInteger runs = new AtomicInteger();
        loop.every(50, "check", () -> {
            int run = runs.incrementAndGet();
            if (run == 1) {
                throw new IllegalStateException("first check fails");
            }
            if (run == 2) {
                loop.markDirty("seen", Reason.MEMBERSHIP_CHECK);
            }
        });
        scheduler.advanceMillis(50);
        scheduler.advanceMillis(50);
        assertThat(runs).hasValue(2);
        scheduler.advanceMillis(100);
        assertThat(pipeline.applied).containsExactly("seen");
    }

    @Test
    void aScheduledTaskRunsOnceItsDelayHasPassed() {
        ReconcileLoop<String> loop = loop(0);
        loop.schedule(2_000, "retry", () -> loop.markDirty("retried", Reason.ADDRESS_RETRY));
        scheduler.advanceMillis(1_999);
        assertThat(scheduler.armedTimers()).isEqualTo(1);
        scheduler.advanceMillis(1);
        scheduler.advanceMillis(100);
        assertThat(pipeline.applied).containsExactly("retried");
        assertThat(metrics.keysByReason()).containsEntry("address-retry", 1L);
    }

    @Test
    void theRecordKeepsTheLastBatchesOnly() {
        ReconcileLoop<String> loop = loop(0);
        for (int i = 0; i < ReconcileLoop.RECENT_BATCHES + 3; i++) {
            loop.markDirty("k" + i, Reason.EVENT);
            scheduler.advanceMillis(100);
        }
        assertThat(loop.recentBatches()).hasSize(ReconcileLoop.RECENT_BATCHES);
        assertThat(loop.recentBatches().get(0).number()).isEqualTo(4);
        assertThat(loop.recentBatches().get(ReconcileLoop.RECENT_BATCHES - 1).firstKeys())
                .containsExactly("k" + (ReconcileLoop.RECENT_BATCHES + 2));
    }

    @Test
    void afterCloseNothingRunsAndMarkingAKeyIsHarmless() {
        ReconcileLoop<String> loop = loop(1_000);
        loop.start();
        loop.close();
        loop.markDirty("late", Reason.EVENT);
        loop.execute("late task", () -> pipeline.applied.add("task"));
        scheduler.advanceMillis(5_000);
        assertThat(pipeline.applied).isEmpty();
        assertThat(pipeline.published).isEmpty();
        assertThatThrownBy(() -> loop.submit(() -> { }))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }
}
