package io.nacosistio.plugin.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler whose tasks run on the test thread, in due order, only when the manual clock is advanced past
 * their time ({@code execute} and {@code submit} are due at once, so {@link #advanceMillis advanceMillis(0)}
 * runs them). Periodic tasks come back after their delay. Model: grpc-java's {@code FakeClock}.
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {

    private final AtomicLong clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    ManualScheduler(AtomicLong clock) {
        super(1);
        this.clock = clock;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(new FutureTask<Object>(command, null), unit.toNanos(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(new FutureTask<>(callable), unit.toNanos(delay), 0);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(new RepeatingTask(command), unit.toNanos(initialDelay), unit.toNanos(delay));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    /** Timers armed and not cancelled (periodic ones included). */
    int armedTimers() {
        int n = 0;
        for (Task t : tasks) {
            if (!t.future.isCancelled()) {
                n++;
            }
        }
        return n;
    }

    /** Moves the clock on by {@code millis}, running every task that falls due on the way, in due order. */
    void advanceMillis(long millis) {
        long target = clock.get() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            Task next = null;
            for (Task t : tasks) {
                if (t.due <= target && (next == null || t.due < next.due
                        || (t.due == next.due && t.sequence < next.sequence))) {
                    next = t;
                }
            }
            if (next == null) {
                break;
            }
            tasks.remove(next);
            clock.set(Math.max(clock.get(), next.due));
            if (next.future.isCancelled()) {
                continue;
            }
            next.future.run();
            if (next.period > 0 && !next.future.isDone() && !isShutdown()) {
                next.due = clock.get() + next.period;
                next.sequence = sequence++;
                tasks.add(next);
            }
        }
        // A task may have moved the clock on (processing takes time): never move it back.
        clock.set(Math.max(clock.get(), target));
    }

    @Override
    public List<Runnable> shutdownNow() {
        tasks.clear();
        return super.shutdownNow();
    }

    private <V> ManualFuture<V> add(FutureTask<V> task, long delayNanos, long periodNanos) {
        if (isShutdown()) {
            throw new RejectedExecutionException("shut down");
        }
        ManualFuture<V> future = new ManualFuture<>(task);
        Task t = new Task(future, clock.get() + delayNanos, periodNanos, sequence++);
        tasks.add(t);
        return future;
    }

    private static final class Task {
        final ManualFuture<?> future;
        long due;
        final long period;
        long sequence;

        Task(ManualFuture<?> future, long due, long period, long sequence) {
            this.future = future;
            this.due = due;
            this.period = period;
            this.sequence = sequence;
        }
    }

    /** Runs its command each time without ever completing, as a periodic task does. */
    private static final class RepeatingTask extends FutureTask<Object> {
        RepeatingTask(Runnable command) {
            super(command, null);
        }

        @Override
        public void run() {
            runAndReset();
        }
    }

    /** A scheduled future that never blocks: {@code get} on a task that has not run yet is a test error. */
    private static final class ManualFuture<V> implements ScheduledFuture<V> {
        private final FutureTask<V> task;

        ManualFuture(FutureTask<V> task) {
            this.task = task;
        }

        void run() {
            task.run();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed o) {
            return 0;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return task.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return task.isCancelled();
        }

        @Override
        public boolean isDone() {
            return task.isDone();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            if (!task.isDone()) {
                throw new AssertionError("the manual scheduler has not run this task yet");
            }
            return task.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException {
            return get();
        }
    }
}
