package io.nacosistio.plugin.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one pipeline's reconcile loop (registry or config center): batches, keys whose reconciliation
 * threw, and keys reconciled per reason. Written by the loop's thread, read by anyone.
 */
public final class ReconcileMetrics {

    public final AtomicLong batches = new AtomicLong();
    public final AtomicLong keyFailures = new AtomicLong();
    public final AtomicLong lastBatchNanos = new AtomicLong();
    public final AtomicLong lastBatchKeys = new AtomicLong();
    private final ConcurrentMap<String, AtomicLong> keysByReason = new ConcurrentHashMap<>();

    /** Makes a reason's counter exist (at zero) before the first key of it, so every reason is exported. */
    public void declareReason(String reason) {
        keysByReason.computeIfAbsent(reason, r -> new AtomicLong());
    }

    /** One key reconciled for {@code reason}. */
    public void reconciled(String reason) {
        keysByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /** Keys reconciled so far, by reason, sorted by reason. */
    public Map<String, Long> keysByReason() {
        Map<String, Long> copy = new TreeMap<>();
        for (Map.Entry<String, AtomicLong> e : keysByReason.entrySet()) {
            copy.put(e.getKey(), e.getValue().get());
        }
        return Collections.unmodifiableMap(copy);
    }
}
