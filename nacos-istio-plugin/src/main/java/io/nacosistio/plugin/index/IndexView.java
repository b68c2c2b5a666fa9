package io.nacosistio.plugin.index;

import io.nacosistio.plugin.cache.ResourceSet;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** An immutable picture of the index for the debug view and metrics. */
public final class IndexView {

    private final ResourceSet served;
    private final Map<String, Integer> servedPerNamespace;
    private final List<SkippedService> skipped;

    public IndexView(ResourceSet served, Map<String, Integer> servedPerNamespace, List<SkippedService> skipped) {
        this.served = served;
        this.servedPerNamespace = Collections.unmodifiableMap(servedPerNamespace);
        this.skipped = Collections.unmodifiableList(skipped);
    }

    public ResourceSet served() {
        return served;
    }

    public Map<String, Integer> servedPerNamespace() {
        return servedPerNamespace;
    }

    public List<SkippedService> skipped() {
        return skipped;
    }
}
