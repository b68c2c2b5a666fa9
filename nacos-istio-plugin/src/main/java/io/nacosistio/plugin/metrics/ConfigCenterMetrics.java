package io.nacosistio.plugin.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the config-center index, written by its updater thread and read by anyone. */
public final class ConfigCenterMetrics {

    public final AtomicLong changeNotifications = new AtomicLong();
    public final AtomicLong configsRead = new AtomicLong();
    public final AtomicLong readFailures = new AtomicLong();
    public final AtomicLong documentsAccepted = new AtomicLong();
    public final AtomicLong documentsRefused = new AtomicLong();
    public final AtomicLong setsPublished = new AtomicLong();
}
