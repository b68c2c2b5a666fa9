package io.nacosistio.it.dataplane;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.nacosistio.it.IstiodLikeClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A sidecar's view of istiod: {@link IstiodLikeClient}'s ADS stream opened on istiod's plaintext xDS port with the
 * node an istio-agent with DNS capture sends, subscribed as Envoy subscribes (CDS and LDS wildcard, EDS and RDS by
 * name) plus the agent's name table (NDS). Resources are decoded with Envoy's own generated classes (those
 * shipped with Nacos) and {@link NameTables}.
 */
public final class SidecarXds implements AutoCloseable {

    public static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    public static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    public static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    public static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    public static final String NDS = NameTables.TYPE_URL;

    private final IstiodLikeClient ads;

    private SidecarXds(IstiodLikeClient ads) {
        this.ads = ads;
    }

    /**
     * Connects as the sidecar of pod {@code pod} in {@code namespace} at {@code ip}, as istio-agent {@code istioVersion}
     * with DNS capture on, and subscribes to CDS, LDS and NDS.
     */
    public static SidecarXds connect(int grpcPort, String ip, String pod, String namespace, String istioVersion) {
        Node node = Node.newBuilder()
                .setId("sidecar~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("ISTIO_VERSION", text(istioVersion))
                        .putFields("CLUSTER_ID", text("Kubernetes"))
                        .putFields("NAMESPACE", text(namespace))
                        .putFields("INSTANCE_IPS", text(ip))
                        .putFields("WORKLOAD_NAME", text(pod))
                        .putFields("INTERCEPTION_MODE", text("REDIRECT"))
                        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("app", text(pod))).build())
                        // What istio-agent sends with ISTIO_META_DNS_CAPTURE=true / ISTIO_META_DNS_AUTO_ALLOCATE=true.
                        .putFields("DNS_CAPTURE", text("true"))
                        .putFields("DNS_AUTO_ALLOCATE", text("true")))
                .build();
        IstiodLikeClient ads = IstiodLikeClient.connectAs("127.0.0.1", grpcPort, node);
        ads.request(CDS, List.of()).request(LDS, List.of()).request(NDS, List.of());
        return new SidecarXds(ads);
    }

    private static Value text(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }

    /** Subscribes EDS to these clusters (replacing the earlier names), as Envoy does after CDS. */
    public void watchEndpoints(List<String> clusterNames) {
        ads.request(EDS, clusterNames);
    }

    /** Subscribes RDS to these route configurations, as Envoy does after LDS. */
    public void watchRoutes(List<String> routeNames) {
        ads.request(RDS, routeNames);
    }

    public IstiodLikeClient ads() {
        return ads;
    }

    public Map<String, Cluster> clusters() {
        return decode(CDS, Cluster.class, Cluster::getName);
    }

    /**
     * Every cluster's endpoints as Envoy holds them: istiod's incremental pushes carry only the clusters that
     * changed, so each response updates the clusters it names.
     */
    public Map<String, ClusterLoadAssignment> loadAssignments() {
        Map<String, ClusterLoadAssignment> merged = new LinkedHashMap<>();
        for (IstiodLikeClient.Received r : ads.history()) {
            if (r.typeUrl().equals(EDS)) {
                merged.putAll(decode(r, ClusterLoadAssignment.class, ClusterLoadAssignment::getClusterName));
            }
        }
        return merged;
    }

    public Map<String, Listener> listeners() {
        return decode(LDS, Listener.class, Listener::getName);
    }

    public Map<String, RouteConfiguration> routes() {
        return decode(RDS, RouteConfiguration.class, RouteConfiguration::getName);
    }

    public Map<String, NameTables.NameInfo> nameTable() {
        return ads.latest(NDS).map(r -> r.raw().isEmpty() ? Map.<String, NameTables.NameInfo>of()
                : NameTables.decode(r.raw().get(0))).orElse(Map.of());
    }

    /** Waits until the latest response of {@code typeUrl} satisfies the condition; returns when it arrived. */
    public long await(String typeUrl, Predicate<SidecarXds> condition, long timeoutMillis) throws InterruptedException {
        return ads.awaitState(typeUrl, r -> condition.test(this), timeoutMillis).nanoTime();
    }

    private <T extends Message> Map<String, T> decode(String typeUrl, Class<T> type,
            java.util.function.Function<T, String> name) {
        return ads.latest(typeUrl).map(r -> decode(r, type, name)).orElse(Map.of());
    }

    private static <T extends Message> Map<String, T> decode(IstiodLikeClient.Received r, Class<T> type,
            java.util.function.Function<T, String> name) {
        Map<String, T> byName = new LinkedHashMap<>();
        for (Any any : r.raw()) {
            try {
                T message = any.unpack(type);
                byName.put(name.apply(message), message);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(r.typeUrl() + " resource is not a " + type.getSimpleName(), e);
            }
        }
        return byName;
    }

    @Override
    public void close() {
        ads.close();
    }
}
