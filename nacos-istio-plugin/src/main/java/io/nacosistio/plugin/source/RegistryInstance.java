package io.nacosistio.plugin.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One Nacos instance as Nacos pushes it to its own clients (instance metadata overrides applied). Immutable. */
public final class RegistryInstance {

    private final String ip;
    private final int port;
    private final double weight;
    private final boolean healthy;
    private final boolean enabled;
    private final boolean ephemeral;
    private final String clusterName;
    private final Map<String, String> metadata;

    public RegistryInstance(String ip, int port, double weight, boolean healthy, boolean enabled, boolean ephemeral,
            String clusterName, Map<String, String> metadata) {
        this.ip = Objects.requireNonNull(ip, "ip");
        this.port = port;
        this.weight = weight;
        this.healthy = healthy;
        this.enabled = enabled;
        this.ephemeral = ephemeral;
        this.clusterName = clusterName == null ? "" : clusterName;
        this.metadata = metadata == null || metadata.isEmpty() ? Collections.<String, String>emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return port;
    }

    public double weight() {
        return weight;
    }

    public boolean healthy() {
        return healthy;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean ephemeral() {
        return ephemeral;
    }

    public String clusterName() {
        return clusterName;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RegistryInstance)) {
            return false;
        }
        RegistryInstance that = (RegistryInstance) o;
        return port == that.port && Double.compare(weight, that.weight) == 0 && healthy == that.healthy
                && enabled == that.enabled && ephemeral == that.ephemeral && ip.equals(that.ip)
                && clusterName.equals(that.clusterName) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ip, port, weight, healthy, enabled, ephemeral, clusterName, metadata);
    }

    @Override
    public String toString() {
        return ip + ":" + port + "{weight=" + weight + ", healthy=" + healthy + ", enabled=" + enabled + ", cluster="
                + clusterName + ", metadata=" + metadata + "}";
    }
}
