package io.nacosistio.plugin.readiness;

import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.ReadinessProbe.Check;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness gate on an injected clock and scheduler: what it holds, when it opens, what it reports. */
class ReadinessGateTest {

    private static final long MAX_WAIT = 120_000;
    private static final long POLL = 250;

    private final AtomicLong clock = new AtomicLong(5_000);
    private final AtomicInteger opened = new AtomicInteger();
    private final Deque<Scheduled> scheduled = new ArrayDeque<>();
    private final List<Runnable> catchUps = new ArrayList<>();

    private static final class Scheduled {
        final Runnable task;
        final long delay;

        Scheduled(Runnable task, long delay) {
            this.task = task;
            this.delay = delay;
        }
    }

    /** A probe whose answer the test sets. */
    private static final class Part implements ReadinessProbe {
        final String name;
        final AtomicReference<Check> check;

        Part(String name, Check initial) {
            this.name = name;
            this.check = new AtomicReference<>(initial);
        }

        @Override
        public String part() {
            return name;
        }

        @Override
        public Check check() {
            return check.get();
        }
    }

    private ReadinessGate gate(long maxWait, ReadinessProbe... probes) {
        return new ReadinessGate(List.of(probes), maxWait, POLL, clock::get,
                (task, delay) -> scheduled.add(new Scheduled(task, delay)), opened::incrementAndGet);
    }

    /** Catch-ups are recorded; the test finishes them. */
    private void await(ReadinessGate gate) {
        gate.awaitInBackground(catchUps::add);
    }

    /** Advances the clock to the next scheduled task and runs it. */
    private void runNext() {
        Scheduled next = scheduled.poll();
        assertThat(next).as("a scheduled check").isNotNull();
        clock.addAndGet(next.delay);
        next.task.run();
    }

    @Test
    void dataCompleteAtStartOpensAtOnceWithoutAThreadOrACatchUp() {
        ReadinessGate gate = gate(MAX_WAIT, new Part("naming-ephemeral", Check.ready("standalone")),
                new Part("config", Check.ready("standalone")));
        assertThat(gate.checkAtStart()).isEqualTo(ReadinessGate.State.OPEN);
        await(gate);
        assertThat(opened).hasValue(1);
        assertThat(scheduled).isEmpty();
        assertThat(catchUps).isEmpty();
        ReadinessView view = gate.view();
        assertThat(view.answering()).isTrue();
        assertThat(view.waitedMillis()).isZero();
        assertThat(view.timedOut()).isFalse();
        assertThat(view.readyByPart()).containsEntry("naming-ephemeral", 1).containsEntry("config", 1);
    }

    @Test
    void aZeroMaxWaitTurnsTheGateOffEvenWhenAPartIsNotReady() {
        ReadinessGate gate = gate(0, new Part("naming-ephemeral", Check.notReady("loading")));
        assertThat(gate.checkAtStart()).isEqualTo(ReadinessGate.State.DISABLED);
        await(gate);
        assertThat(opened).hasValue(1);
        assertThat(scheduled).isEmpty();
        assertThat(gate.view().state()).isEqualTo("DISABLED");
        assertThat(gate.view().answering()).isTrue();
        assertThat(gate.view().readyByPart()).containsEntry("naming-ephemeral", 0);
    }

    @Test
    void holdsUntilEveryPartIsReadyThenReReadsEverySourceBeforeOpening() {
        Part distro = new Part("naming-ephemeral", Check.notReady("Distro is loading"));
        Part raft = new Part("naming-persistent", Check.notReady("no leader"));
        ReadinessGate gate = gate(MAX_WAIT, distro, raft);
        assertThat(gate.checkAtStart()).isEqualTo(ReadinessGate.State.WAITING);
        assertThat(gate.holding()).isTrue();
        await(gate);
        assertThat(scheduled).hasSize(1);

        runNext();
        runNext();
        assertThat(gate.view().state()).isEqualTo("WAITING");
        assertThat(gate.view().waitedMillis()).isEqualTo(2 * POLL);
        distro.check.set(Check.ready("loaded"));
        runNext();
        assertThat(gate.view().state()).isEqualTo("WAITING");
        assertThat(gate.view().readyByPart()).containsEntry("naming-ephemeral", 1).containsEntry("naming-persistent", 0);
        raft.check.set(Check.ready("leader 127.0.0.1:7848"));
        runNext();
        assertThat(gate.view().state()).isEqualTo("CATCHING_UP");
        assertThat(catchUps).hasSize(1);
        assertThat(opened).hasValue(0);

        clock.addAndGet(40);
        catchUps.get(0).run();
        assertThat(opened).hasValue(1);
        ReadinessView view = gate.view();
        assertThat(view.state()).isEqualTo("OPEN");
        assertThat(view.answering()).isTrue();
        assertThat(view.waitedMillis()).isEqualTo(4 * POLL + 40);
        assertThat(view.timedOut()).isFalse();
        assertThat(view.notReadyWhenOpened()).isEmpty();
        // The deadline check left behind does nothing once open.
        while (!scheduled.isEmpty()) {
            runNext();
        }
        assertThat(opened).hasValue(1);
    }

    @Test
    void atTheMaxWaitItOpensWithWhatItHasAndNamesThePartThatWasNotReady() {
        Part distro = new Part("naming-ephemeral", Check.notReady("Distro is still loading"));
        Part config = new Part("config", Check.ready("external database"));
        ReadinessGate gate = gate(1_000, distro, config);
        gate.checkAtStart();
        await(gate);
        while (opened.get() == 0) {
            runNext();
        }
        assertThat(clock.get() - 5_000).isEqualTo(1_000);
        assertThat(catchUps).isEmpty();
        ReadinessView view = gate.view();
        assertThat(view.timedOut()).isTrue();
        assertThat(view.waitedMillis()).isEqualTo(1_000);
        assertThat(view.notReadyWhenOpened()).containsExactly("naming-ephemeral (Distro is still loading)");
        assertThat(scheduled).isEmpty();
        // Once open it stays open, whatever the parts say later.
        distro.check.set(Check.ready("loaded"));
        assertThat(gate.holding()).isFalse();
        assertThat(opened).hasValue(1);
    }

    @Test
    void aPartThatCannotBeKnownHoldsAnswersForTheWholeBound() {
        ReadinessGate gate = gate(1_000, new Part("naming-persistent", Check.unknown("this Nacos has no ProtocolManager")));
        assertThat(gate.checkAtStart()).isEqualTo(ReadinessGate.State.WAITING);
        await(gate);
        while (opened.get() == 0) {
            runNext();
        }
        assertThat(clock.get() - 5_000).isEqualTo(1_000);
        assertThat(gate.view().timedOut()).isTrue();
        assertThat(gate.view().parts()).extracting(ReadinessGate.PartView::state).containsExactly("UNKNOWN");
    }

    @Test
    void aCatchUpThatDoesNotFinishIsCutShortByTheBound() {
        Part distro = new Part("naming-ephemeral", Check.notReady("loading"));
        ReadinessGate gate = gate(1_000, distro);
        gate.checkAtStart();
        await(gate);
        runNext();
        distro.check.set(Check.ready("loaded"));
        runNext();
        assertThat(catchUps).hasSize(1);
        assertThat(scheduled).hasSize(1);
        runNext();
        assertThat(opened).hasValue(1);
        assertThat(clock.get() - 5_000).isEqualTo(1_000);
        assertThat(gate.view().timedOut()).isTrue();
        assertThat(gate.view().notReadyWhenOpened()).singleElement().asString().contains("re-read");
        // The late catch-up changes nothing.
        catchUps.get(0).run();
        assertThat(opened).hasValue(1);
        assertThat(gate.view().timedOut()).isTrue();
    }

    @Test
    void aProbeThatThrowsCountsAsNotReadyAndBreaksNothing() {
        AtomicInteger calls = new AtomicInteger();
        ReadinessProbe broken = new ReadinessProbe() {
            @Override
            public String part() {
                return "config";
            }

            @Override
            public Check check() {
                if (calls.incrementAndGet() < 3) {
                    throw new IllegalStateException("boom");
                }
                return Check.ready("fine now");
            }
        };
        ReadinessGate gate = gate(MAX_WAIT, broken);
        assertThat(gate.checkAtStart()).isEqualTo(ReadinessGate.State.WAITING);
        await(gate);
        assertThat(gate.view().parts().get(0).detail()).contains("boom");
        runNext();
        assertThat(catchUps).hasSize(1);
        catchUps.get(0).run();
        assertThat(opened).hasValue(1);
        assertThat(gate.view().timedOut()).isFalse();
    }
}
