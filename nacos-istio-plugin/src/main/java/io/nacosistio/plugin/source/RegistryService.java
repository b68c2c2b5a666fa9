package io.nacosistio.plugin.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The full state of one Nacos service at one moment: service metadata, protect threshold and every
 * instance (healthy or not, enabled or not). Immutable; the mapper decides what becomes an endpoint.
 */
public final class RegistryService {

    private final ServiceKey key;
    private final float protectThreshold;
    private final Map<String, String> metadata;
    private final List<RegistryInstance> instances;

    public RegistryService(ServiceKey key, float protectThreshold, Map<String, String> metadata,
            List<RegistryInstance> instances) {
        this.key = Objects.requireNonNull(key, "key");
        this.protectThreshold = protectThreshold;
        this.metadata = metadata == null || metadata.isEmpty() ? Collections.<String, String>emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.instances = instances == null || instances.isEmpty() ? Collections.<RegistryInstance>emptyList()
                : Collections.unmodifiableList(new ArrayList<>(instances));
    }

    public ServiceKey key() {
        return key;
    }

    public float protectThreshold() {
        return protectThreshold;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public List<RegistryInstance> instances() {
        return instances;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RegistryService)) {
            return false;
        }
        RegistryService that = (RegistryService) o;
        return Float.compare(protectThreshold, that.protectThreshold) == 0 && key.equals(that.key)
                && metadata.equals(that.metadata) && instances.equals(that.instances);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, protectThreshold, metadata, instances);
    }

    @Override
    public String toString() {
        return key + "{protectThreshold=" + protectThreshold + ", metadata=" + metadata + ", instances=" + instances
                + "}";
    }
}
