package io.nacosistio.bench;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Makes changes at a fixed rate, each to a randomly chosen service, on sixteen worker threads
 * ({@code bench-driver-*}) so that slow calls do not hold back the schedule. A change whose turn comes while 64
 * are still in flight is skipped and counted: the achieved rate is reported, not assumed. Change numbers run on
 * over every run of one driver, so that no two changes share one.
 */
final class ChangeDriver {

    /** One change to one service, made through the registry or to a file; {@code seq} is unique to it. */
    @FunctionalInterface
    interface Change {
        void make(int service, long seq) throws Exception;
    }

    /** What a run did: changes made, changes skipped, and the seconds it took. */
    record Outcome(int applied, int skipped, double seconds, long firstSeq, long lastSeq) {
        double rate() {
            return applied / seconds;
        }
    }

    private static final int WORKERS = 16;
    private static final int MAX_IN_FLIGHT = 64;

    private final IntSupplier services;
    private final Random random = new Random(42);
    private long nextSeq = 1;

    /** {@code services}: how many services there are to choose from when a change is made. */
    ChangeDriver(IntSupplier services) {
        this.services = services;
    }

    Outcome run(double perSecond, int count, Change change) throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, Registry.named("bench-driver-"));
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        AtomicInteger applied = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long periodNanos = (long) (1e9 / perSecond);
        long firstSeq = nextSeq;
        int skipped = 0;
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                long due = started + i * periodNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("change failed", failure.get());
                }
                if (!inFlight.tryAcquire()) {
                    skipped++;
                    continue;
                }
                int service = random.nextInt(services.getAsInt());
                long seq = nextSeq++;
                workers.execute(() -> {
                    try {
                        change.make(service, seq);
                        applied.incrementAndGet();
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        inFlight.release();
                    }
                });
            }
            workers.shutdown();
            if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("changes did not finish");
            }
        } finally {
            workers.shutdownNow();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("change failed", failure.get());
        }
        return new Outcome(applied.get(), skipped, (System.nanoTime() - started) / 1e9, firstSeq, nextSeq - 1);
    }
}
