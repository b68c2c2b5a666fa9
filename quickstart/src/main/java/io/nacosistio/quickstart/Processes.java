package io.nacosistio.quickstart;

import java.util.concurrent.TimeUnit;

/** Stopping a child process as an operator does: SIGTERM, time for its shutdown hooks, then SIGKILL. */
public final class Processes {

    private static final long KILL_WAIT_SECONDS = 10;

    private Processes() {
    }

    /** Asks {@code process} to stop and waits for it; see {@link #awaitExit}. */
    public static void stop(Process process, long graceSeconds) {
        process.destroy();
        awaitExit(process, graceSeconds);
    }

    /**
     * Waits up to {@code graceSeconds} for a process already asked to stop, then kills it; an interrupted wait kills
     * it at once and keeps the interrupt.
     */
    public static void awaitExit(Process process, long graceSeconds) {
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
