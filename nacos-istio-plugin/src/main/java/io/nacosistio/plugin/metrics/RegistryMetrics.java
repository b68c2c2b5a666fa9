package io.nacosistio.plugin.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the registry index, written by the index updater thread and read by anyone. */
public final class RegistryMetrics {

    public final AtomicLong changeNotifications = new AtomicLong();
    public final AtomicLong servicesRead = new AtomicLong();
    public final AtomicLong servicesConverted = new AtomicLong();
    public final AtomicLong servicesRejected = new AtomicLong();
    public final AtomicLong readFailures = new AtomicLong();
    public final AtomicLong snapshotsPublished = new AtomicLong();
    public final AtomicLong droppedLabels = new AtomicLong();
    public final AtomicLong skippedInstances = new AtomicLong();
}
