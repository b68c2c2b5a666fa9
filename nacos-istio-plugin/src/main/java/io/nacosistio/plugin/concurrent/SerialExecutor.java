package io.nacosistio.plugin.concurrent;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A synchronization context on a shared pool: tasks run one at a time, in submission order, never two at
 * once, so the state they touch needs no locks while different contexts still run in parallel and hold no
 * thread while idle. Any {@link Throwable} a task throws goes to the failure handler, inside the context,
 * and the next task still runs; a task submitted while the pool refuses work (shutdown) is dropped and
 * reported. Code that must only run in the context calls {@link #throwIfNotInThisContext()}.
 *
 * <p>Threading: {@link #execute} from any thread; tasks and the failure handler run on one pool thread at a
 * time. Model: grpc-java's {@code SynchronizationContext}.
 */
public final class SerialExecutor implements Executor {

    private final Executor pool;
    private final Consumer<Throwable> onTaskFailure;
    private final Runnable onRejected;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile Thread drainingThread;

    /**
     * @param onTaskFailure called in the context with what a task threw (an exception of its own is ignored)
     * @param onRejected    called on the submitting thread when the pool refuses to run the context; must be
     *                      thread-safe
     */
    public SerialExecutor(Executor pool, Consumer<Throwable> onTaskFailure, Runnable onRejected) {
        this.pool = pool;
        this.onTaskFailure = onTaskFailure;
        this.onRejected = onRejected;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    /** Throws unless called by a task of this context. */
    public void throwIfNotInThisContext() {
        if (drainingThread != Thread.currentThread()) {
            throw new IllegalStateException("not called from this serial executor (called from "
                    + Thread.currentThread().getName() + ")");
        }
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: nothing queued here can run any more.
            tasks.clear();
            scheduled.set(false);
            onRejected.run();
        }
    }

    private void drain() {
        drainingThread = Thread.currentThread();
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    reportFailure(t);
                }
            }
        } finally {
            drainingThread = null;
            scheduled.set(false);
        }
        if (!tasks.isEmpty()) {
            schedule();
        }
    }

    private void reportFailure(Throwable t) {
        try {
            onTaskFailure.accept(t);
        } catch (Throwable ignored) {
            // A failing handler must not stop the tasks behind it.
        }
    }
}
