package io.nacosistio.plugin.source;

import java.util.Objects;

/**
 * Identity of one Nacos service: namespace id, group and service name, exactly as Nacos stores them.
 * The default namespace is always spelled {@link #DEFAULT_NAMESPACE}, whatever the Nacos version
 * ("" in 2.x, "public" in 3.x), so keys compare equal across versions.
 */
public final class ServiceKey implements Comparable<ServiceKey> {

    public static final String DEFAULT_NAMESPACE = "public";

    private final String namespaceId;
    private final String group;
    private final String serviceName;

    public ServiceKey(String namespaceId, String group, String serviceName) {
        this.namespaceId = namespaceId == null || namespaceId.isEmpty() ? DEFAULT_NAMESPACE : namespaceId;
        this.group = Objects.requireNonNull(group, "group");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    }

    public String namespaceId() {
        return namespaceId;
    }

    public String group() {
        return group;
    }

    public String serviceName() {
        return serviceName;
    }

    @Override
    public int compareTo(ServiceKey o) {
        int c = namespaceId.compareTo(o.namespaceId);
        if (c != 0) {
            return c;
        }
        c = group.compareTo(o.group);
        return c != 0 ? c : serviceName.compareTo(o.serviceName);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ServiceKey)) {
            return false;
        }
        ServiceKey that = (ServiceKey) o;
        return namespaceId.equals(that.namespaceId) && group.equals(that.group) && serviceName.equals(that.serviceName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespaceId, group, serviceName);
    }

    @Override
    public String toString() {
        return namespaceId + "/" + group + "/" + serviceName;
    }
}
