package io.nacosistio.plugin.concurrent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The synchronization context, driven by a direct or a hand-stepped executor: no threads, no sleeps. */
class SerialExecutorTest {

    private final List<Throwable> failures = new ArrayList<>();
    private final AtomicInteger rejections = new AtomicInteger();

    /** Runs the context only when the test says so. */
    private static final class SteppedPool implements Executor {
        final List<Runnable> pending = new ArrayList<>();

        @Override
        public void execute(Runnable command) {
            pending.add(command);
        }

        void runAll() {
            while (!pending.isEmpty()) {
                pending.remove(0).run();
            }
        }
    }

    private SerialExecutor on(Executor pool) {
        return new SerialExecutor(pool, failures::add, rejections::incrementAndGet);
    }

    @Test
    void anErrorGoesToTheHandlerAndTheNextTaskStillRuns() {
        SerialExecutor context = on(Runnable::run);
        List<String> ran = new ArrayList<>();
        StackOverflowError error = new StackOverflowError("deep");

        context.execute(() -> {
            throw error;
        });
        context.execute(() -> ran.add("after the error"));

        assertThat(failures).containsExactly(error);
        assertThat(ran).containsExactly("after the error");
    }

    @Test
    void aTaskThatThrowsBehindOthersInTheSameDrainDoesNotStopThem() {
        SteppedPool pool = new SteppedPool();
        SerialExecutor context = on(pool);
        List<Integer> ran = new ArrayList<>();
        context.execute(() -> ran.add(1));
        context.execute(() -> {
            throw new IllegalStateException("bug");
        });
        context.execute(() -> ran.add(3));

        pool.runAll();

        assertThat(ran).containsExactly(1, 3);
        assertThat(failures).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(pool.pending).isEmpty();
    }

    @Test
    void tasksRunInOrderAndATaskSubmittedByATaskRunsAfterIt() {
        SerialExecutor context = on(Runnable::run);
        List<String> ran = new ArrayList<>();

        context.execute(() -> {
            context.execute(() -> ran.add("inner"));
            ran.add("outer");
        });

        assertThat(ran).containsExactly("outer", "inner");
    }

    @Test
    void confinementHoldsInsideTheContextOnly() {
        SerialExecutor context = on(Runnable::run);
        List<String> inside = new ArrayList<>();

        context.execute(() -> {
            context.throwIfNotInThisContext();
            inside.add("checked");
        });

        assertThat(inside).containsExactly("checked");
        assertThatThrownBy(context::throwIfNotInThisContext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not called from this serial executor");
        SerialExecutor other = on(Runnable::run);
        other.execute(context::throwIfNotInThisContext);
        assertThat(failures).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPoolThatRefusesWorkAtShutdownIsReportedAndTheContextRecoversWhenItAcceptsAgain() {
        boolean[] shutDown = {true};
        Executor pool = task -> {
            if (shutDown[0]) {
                throw new RejectedExecutionException("shut down");
            }
            task.run();
        };
        SerialExecutor context = on(pool);
        List<String> ran = new ArrayList<>();

        context.execute(() -> ran.add("refused"));
        assertThat(rejections).hasValue(1);
        assertThat(ran).isEmpty();

        shutDown[0] = false;
        context.execute(() -> ran.add("accepted"));
        assertThat(ran).containsExactly("accepted");
    }

    @Test
    void aHandlerThatThrowsDoesNotStopTheContext() {
        SerialExecutor context = new SerialExecutor(Runnable::run, t -> {
            throw new IllegalStateException("handler bug");
        }, rejections::incrementAndGet);
        List<String> ran = new ArrayList<>();

        context.execute(() -> {
            throw new IllegalArgumentException("task bug");
        });
        context.execute(() -> ran.add("next"));

        assertThat(ran).containsExactly("next");
    }
}
