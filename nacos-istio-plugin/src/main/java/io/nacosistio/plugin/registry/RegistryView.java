package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.AddressView;
import io.nacosistio.plugin.cache.ResourceSet;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** An immutable picture of the index for the debug view and metrics. */
public final class RegistryView {

    private final ResourceSet served;
    private final Map<String, Integer> servedPerNamespace;
    private final List<SkippedService> skipped;
    private final AddressView addresses;

    public RegistryView(ResourceSet served, Map<String, Integer> servedPerNamespace, List<SkippedService> skipped,
            AddressView addresses) {
        this.served = served;
        this.servedPerNamespace = Collections.unmodifiableMap(servedPerNamespace);
        this.skipped = Collections.unmodifiableList(skipped);
        this.addresses = addresses;
    }

    /** Address allocation: the committed table, pool use, services served without their addresses. */
    public AddressView addresses() {
        return addresses;
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
