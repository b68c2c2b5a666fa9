package io.nacosistio.plugin.reconcile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drives the debouncer with a manual clock and a scheduler that runs tasks only when told. */
class ChangeDebouncerTest {

    private final AtomicLong clock = new AtomicLong();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<Set<String>> batches = new ArrayList<>();
    private final ChangeDebouncer<String> debouncer = new ChangeDebouncer<>(scheduler, Debounce.trailing(100, 1000), clock::get,
            batch -> batches.add(batch.keySet()));

    @AfterEach
    void shutdown() {
        scheduler.shutdownNow();
    }

    @Test
    void handsOverAfterQuietPeriod() {
        debouncer.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(99);
        assertThat(batches).isEmpty();
        scheduler.advanceMillis(1);
        assertThat(batches).containsExactly(Set.of("a"));
    }

    @Test
    void collapsesRepeatedKeysIntoOneBatch() {
        debouncer.markDirty("a", Reason.EVENT);
        debouncer.markDirty("b", Reason.EVENT);
        debouncer.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(100);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).containsExactly("a", "b");
    }

    @Test
    void aKeyMarkedForSeveralReasonsGoesOnceWithEveryReason() {
        List<java.util.Map<String, Set<Reason>>> handed = new ArrayList<>();
        ChangeDebouncer<String> withReasons = new ChangeDebouncer<>(scheduler, Debounce.trailing(100, 1000), clock::get,
                handed::add);
        withReasons.markDirty("a", Reason.EVENT);
        withReasons.markDirty("b", Reason.MEMBERSHIP_CHECK);
        withReasons.markDirty("a", Reason.CATALOG_CHECK);
        withReasons.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(100);
        assertThat(handed).hasSize(1);
        assertThat(handed.get(0)).containsExactly(
                java.util.Map.entry("a", java.util.EnumSet.of(Reason.EVENT, Reason.CATALOG_CHECK)),
                java.util.Map.entry("b", java.util.EnumSet.of(Reason.MEMBERSHIP_CHECK)));
    }

    @Test
    void keepsWaitingWhileChangesArriveButNeverPastMaxDelay() {
        for (int i = 0; i < 30; i++) {
            debouncer.markDirty("k" + i, Reason.EVENT);
            scheduler.advanceMillis(50);
        }
        // 30 changes 50 ms apart never leave a quiet gap; the max delay (1000 ms) forces batches.
        assertThat(batches).isNotEmpty();
        assertThat(batches.get(0)).hasSize(20);
        assertThat(scheduler.armedTimers()).isLessThanOrEqualTo(1);
    }

    @Test
    void underChurnStartsABatchEarlyByTheLastBatchsProcessingTime() {
        List<Long> handedOverAt = new ArrayList<>();
        ChangeDebouncer<String> slow = new ChangeDebouncer<>(scheduler, Debounce.trailing(100, 1000), clock::get, batch -> {
            handedOverAt.add(clock.get());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200)); // the batch takes 200 ms to process
        });
        for (int i = 0; i < 60; i++) {
            slow.markDirty("k" + i, Reason.EVENT);
            scheduler.advanceMillis(50);
        }
        // First batch: the full max delay after its first change (no processing time known yet). Its processing
        // moved the clock to 1200 ms, when the next change opens the second batch, which starts 200 ms early so
        // that it is processed by the max delay after that first change.
        assertThat(handedOverAt).hasSizeGreaterThanOrEqualTo(3);
        assertThat(handedOverAt.get(0)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
        long secondFirstChange = TimeUnit.MILLISECONDS.toNanos(1200);
        assertThat(handedOverAt.get(1) - secondFirstChange).isEqualTo(TimeUnit.MILLISECONDS.toNanos(800));
    }

    @Test
    void aSlowBatchNeverShortensTheNextWaitBelowTheQuietPeriod() {
        List<Long> handedOverAt = new ArrayList<>();
        ChangeDebouncer<String> verySlow = new ChangeDebouncer<>(scheduler, Debounce.trailing(100, 1000), clock::get, batch -> {
            handedOverAt.add(clock.get());
            clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        });
        verySlow.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(100);
        long second = clock.get();
        for (int i = 0; i < 5; i++) {
            verySlow.markDirty("b" + i, Reason.EVENT);
            scheduler.advanceMillis(20);
        }
        assertThat(handedOverAt).hasSize(2);
        assertThat(handedOverAt.get(1) - second).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void armsAtMostOneTimerWhateverTheEventRate() {
        for (int i = 0; i < 1000; i++) {
            debouncer.markDirty("k" + i, Reason.EVENT);
        }
        assertThat(scheduler.armedTimers()).isEqualTo(1);
        scheduler.advanceMillis(100);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).hasSize(1000);
        assertThat(scheduler.armedTimers()).isZero();
    }

    @Test
    void nothingRunsWhenNothingChanges() {
        scheduler.advanceMillis(10_000);
        assertThat(batches).isEmpty();
        assertThat(scheduler.armedTimers()).isZero();
    }

    @Test
    void rejectsAMaxDelayShorterThanTheQuietPeriod() {
        assertThatThrownBy(() -> Debounce.leading(500, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quiet period");
    }

    @Test
    void withTheLeadingEdgeAnIsolatedChangeGoesOnceEventsPaused() {
        ChangeDebouncer<String> leading = leading(batches::add);
        leading.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(2);
        assertThat(batches).isEmpty();
        scheduler.advanceMillis(1);
        assertThat(batches).as("3 ms without another event, not the whole 10 ms window")
                .containsExactly(Set.of("a"));

        scheduler.advanceMillis(100);
        leading.markDirty("b", Reason.EVENT);
        scheduler.advanceMillis(3);
        assertThat(batches).as("a whole quiet period after the last change").containsExactly(Set.of("a"),
                Set.of("b"));
        assertThat(scheduler.armedTimers()).isZero();
    }

    @Test
    void withTheLeadingEdgeTheEventsOfOneOperationGoInTheLeadingBatch() {
        ChangeDebouncer<String> leading = leading(batches::add);
        // Nacos publishes one registration as several events, each a little after the one before.
        leading.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(2);
        leading.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(2);
        leading.markDirty("a2", Reason.EVENT);
        scheduler.advanceMillis(2);
        assertThat(batches).as("events are still coming: the window stays open").isEmpty();
        scheduler.advanceMillis(1);
        assertThat(batches).containsExactly(Set.of("a", "a2"));
        assertThat(scheduler.armedTimers()).isZero();
    }

    @Test
    void withTheLeadingEdgeTheGatheringWindowClosesTenMillisecondsAfterItsFirstEventWhateverFollows() {
        ChangeDebouncer<String> leading = leading(batches::add);
        for (int i = 0; i <= 30; i++) {
            leading.markDirty("k" + i, Reason.EVENT);
            scheduler.advanceMillis(1);
        }
        // Events every millisecond never pause: the window closes at 10 ms; the rest waits for a quiet period.
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).hasSize(10).contains("k0", "k9").doesNotContain("k10");
        scheduler.advanceMillis(98);
        assertThat(batches).hasSize(1);
        scheduler.advanceMillis(1);
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).hasSize(21).contains("k10", "k30");
        assertThat(scheduler.armedTimers()).isZero();
    }

    @Test
    void withTheLeadingEdgeChangesFollowingWithinTheQuietPeriodAreCoalesced() {
        ChangeDebouncer<String> leading = leading(batches::add);
        leading.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(10);
        scheduler.advanceMillis(10);
        leading.markDirty("b", Reason.EVENT);
        scheduler.advanceMillis(30);
        leading.markDirty("c", Reason.EVENT);
        scheduler.advanceMillis(99);
        assertThat(batches).as("b and c wait for quiet").containsExactly(Set.of("a"));
        scheduler.advanceMillis(1);
        assertThat(batches).containsExactly(Set.of("a"), Set.of("b", "c"));
    }

    @Test
    void withTheLeadingEdgeChurnGetsOneBatchPerMaxDelayPlusTheLeadingOne() {
        ChangeDebouncer<String> leading = leading(batches::add);
        for (int i = 0; i < 60; i++) {
            leading.markDirty("k" + i, Reason.EVENT);
            scheduler.advanceMillis(50);
        }
        // 3,000 ms of changes 50 ms apart: the leading batch at 10 ms, then the max delay (1,000 ms) forces one
        // batch per second, exactly as without the leading edge.
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0)).containsExactly("k0");
        assertThat(batches.get(1)).hasSize(20);
        assertThat(scheduler.armedTimers()).isLessThanOrEqualTo(1);
    }

    @Test
    void withTheLeadingEdgeAChangeLessThanAQuietPeriodAfterTheLastOneWaits() {
        ChangeDebouncer<String> leading = leading(batches::add);
        leading.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(10);
        scheduler.advanceMillis(89);
        leading.markDirty("b", Reason.EVENT);
        scheduler.advanceMillis(10);
        assertThat(batches).containsExactly(Set.of("a"));
        scheduler.advanceMillis(90);
        assertThat(batches).containsExactly(Set.of("a"), Set.of("b"));
    }

    @Test
    void theGatheringWindowIsNeverLongerThanTheQuietPeriod() {
        ChangeDebouncer<String> shortQuiet = new ChangeDebouncer<>(scheduler, Debounce.leading(4, 1000), clock::get,
                batch -> batches.add(batch.keySet()));
        shortQuiet.markDirty("a", Reason.EVENT);
        scheduler.advanceMillis(4);
        assertThat(batches).containsExactly(Set.of("a"));
    }

    private ChangeDebouncer<String> leading(java.util.function.Consumer<Set<String>> consumer) {
        return new ChangeDebouncer<>(scheduler, Debounce.leading(100, 1000), clock::get,
                batch -> consumer.accept(batch.keySet()));
    }
}
