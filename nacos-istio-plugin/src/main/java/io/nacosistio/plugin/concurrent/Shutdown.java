package io.nacosistio.plugin.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping a component's own threads so that none of its work outlives its {@code close()}. */
public final class Shutdown {

    /** How long a close waits for a task that is running (a batch, a warm-up) to finish. */
    public static final long AWAIT_MILLIS = 10_000;

    private Shutdown() {
    }

    /**
     * Cancels the executor's queued and scheduled tasks, interrupts the running one and waits up to
     * {@code timeoutMillis} for it to finish. Returns whether the executor's threads are gone; an interrupt of the
     * caller ends the wait early and is kept.
     */
    public static boolean now(ExecutorService executor, long timeoutMillis) {
        executor.shutdownNow();
        try {
            return executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return executor.isTerminated();
        }
    }
}
