package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.source.ServiceKey;

import java.util.List;

/** A registry service that is not served, with the reasons, as shown by the debug view. Immutable. */
public final class SkippedService {

    private final ServiceKey key;
    private final List<String> reasons;
    private final long sinceEpochMillis;

    public SkippedService(ServiceKey key, List<String> reasons, long sinceEpochMillis) {
        this.key = key;
        this.reasons = reasons;
        this.sinceEpochMillis = sinceEpochMillis;
    }

    public ServiceKey key() {
        return key;
    }

    public List<String> reasons() {
        return reasons;
    }

    public long sinceEpochMillis() {
        return sinceEpochMillis;
    }
}
