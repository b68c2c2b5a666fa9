package io.nacosistio.plugin.concurrent;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks that a single-threaded object's mutators always run on the same thread: the first one that calls
 * {@link #check()}. Catches a call from the wrong thread at the call rather than as corrupted state later.
 * Thread-safe.
 */
public final class OwnerThread {

    private final String owner;
    private final AtomicReference<Thread> thread = new AtomicReference<>();

    /** @param owner what is confined, for the error message */
    public OwnerThread(String owner) {
        this.owner = owner;
    }

    /** Throws when called from a thread other than the first caller's. */
    public void check() {
        Thread current = Thread.currentThread();
        if (thread.compareAndSet(null, current)) {
            return;
        }
        Thread bound = thread.get();
        if (bound != current) {
            throw new IllegalStateException(owner + " is confined to thread '" + bound.getName()
                    + "' but was called from '" + current.getName() + "'");
        }
    }
}
