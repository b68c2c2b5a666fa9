package io.nacosistio.plugin.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of address allocation, written by the index updater thread and read by anyone. */
public final class AddressMetrics {

    public final AtomicLong allocations = new AtomicLong();
    public final AtomicLong tableWrites = new AtomicLong();
    public final AtomicLong tableConflicts = new AtomicLong();
    public final AtomicLong tableWriteFailures = new AtomicLong();
    public final AtomicLong refusedOverrides = new AtomicLong();
    /** Pool probes that stepped over an address or block a config-center ServiceEntry declares. */
    public final AtomicLong declaredAddressesAvoided = new AtomicLong();
}
