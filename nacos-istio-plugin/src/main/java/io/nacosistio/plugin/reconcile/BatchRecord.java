package io.nacosistio.plugin.reconcile;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What one batch of a reconcile loop did: how many keys, for which reasons, how many failed, how long it took. Immutable. */
public final class BatchRecord {

    private final long number;
    private final int keys;
    private final Map<Reason, Integer> keysByReason;
    private final int failures;
    private final long nanos;
    private final List<String> firstKeys;

    BatchRecord(long number, int keys, EnumMap<Reason, Integer> keysByReason, int failures, long nanos,
            List<String> firstKeys) {
        this.number = number;
        this.keys = keys;
        this.keysByReason = Collections.unmodifiableMap(new EnumMap<>(keysByReason));
        this.failures = failures;
        this.nanos = nanos;
        this.firstKeys = Collections.unmodifiableList(firstKeys);
    }

    /** The loop's batch count when this one ran, from 1. */
    public long number() {
        return number;
    }

    public int keys() {
        return keys;
    }

    /** Keys per reason; a key marked for two reasons counts for both. */
    public Map<Reason, Integer> keysByReason() {
        return keysByReason;
    }

    /** Keys whose reconciliation threw (each kept what it served). */
    public int failures() {
        return failures;
    }

    public long nanos() {
        return nanos;
    }

    /** The first few keys of the batch, as text. */
    public List<String> firstKeys() {
        return firstKeys;
    }
}
