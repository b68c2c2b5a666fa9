package io.nacosistio.plugin.server;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting for an event the server shows only in its state (counters, the streams view): polled, 10 s at most. */
final class Await {

    private Await() {
    }

    static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }
}
