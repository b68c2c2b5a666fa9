package io.nacosistio.plugin.source;

import java.util.Objects;

/**
 * Identity of one Nacos config: namespace id, group and dataId, exactly as Nacos stores them. The default
 * namespace is always spelled {@link ServiceKey#DEFAULT_NAMESPACE} ("" in the config tables of every
 * Nacos version), so keys compare equal across versions. Ordered by namespace, group, dataId: the order
 * that decides which of two documents claiming one resource wins.
 */
public final class ConfigKey implements Comparable<ConfigKey> {

    private final String namespaceId;
    private final String group;
    private final String dataId;

    public ConfigKey(String namespaceId, String group, String dataId) {
        this.namespaceId = namespaceId == null || namespaceId.isEmpty() ? ServiceKey.DEFAULT_NAMESPACE : namespaceId;
        this.group = Objects.requireNonNull(group, "group");
        this.dataId = Objects.requireNonNull(dataId, "dataId");
    }

    public String namespaceId() {
        return namespaceId;
    }

    public String group() {
        return group;
    }

    public String dataId() {
        return dataId;
    }

    @Override
    public int compareTo(ConfigKey o) {
        int c = namespaceId.compareTo(o.namespaceId);
        if (c != 0) {
            return c;
        }
        c = group.compareTo(o.group);
        return c != 0 ? c : dataId.compareTo(o.dataId);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConfigKey)) {
            return false;
        }
        ConfigKey k = (ConfigKey) o;
        return namespaceId.equals(k.namespaceId) && group.equals(k.group) && dataId.equals(k.dataId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespaceId, group, dataId);
    }

    /** How operators name a config: {@code dataId=vs.yaml group=istio namespace=public}. */
    @Override
    public String toString() {
        return "dataId=" + dataId + " group=" + group + " namespace=" + namespaceId;
    }
}
