package io.nacosistio.it;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import istio.mcp.v1alpha1.ResourceOuterClass.Resource;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Behaves like istiod's config-source client (pkg/adsc): one SotW ADS stream, MeshConfig requested
 * first with the Node, then every Pilot kind with a timestamp as the first nonce, every response ACKed
 * with its nonce and version, and each response taken as the complete state of its type. Decodes with
 * Envoy's and Istio's own generated classes, independent of the plugin's.
 *
 * <p>The same stream serves as a proxy's toward istiod ({@link #connectAs}, {@link #request}): the node is the
 * caller's, each type is subscribed with its resource names (which every ACK repeats, as Envoy does), and
 * responses that are not MCP keep their resources as they came ({@link Received#raw()}).
 */
public final class IstiodLikeClient implements AutoCloseable {

    public static final String MESH_CONFIG = "core/v1alpha1/MeshConfig";

    public static final String SERVICE_ENTRY_V1 = "networking.istio.io/v1/ServiceEntry";

    /** The kinds istiod 1.24+ subscribes to, in its order. */
    public static final List<String> ISTIO_124_TYPES = List.of(
            "security.istio.io/v1/AuthorizationPolicy",
            "networking.istio.io/v1/DestinationRule",
            "networking.istio.io/v1alpha3/EnvoyFilter",
            "networking.istio.io/v1/Gateway",
            "security.istio.io/v1/PeerAuthentication",
            "networking.istio.io/v1beta1/ProxyConfig",
            "security.istio.io/v1/RequestAuthentication",
            "networking.istio.io/v1/ServiceEntry",
            "networking.istio.io/v1/Sidecar",
            "telemetry.istio.io/v1/Telemetry",
            "networking.istio.io/v1/VirtualService",
            "extensions.istio.io/v1alpha1/WasmPlugin",
            "networking.istio.io/v1/WorkloadEntry",
            "networking.istio.io/v1/WorkloadGroup");

    /** The kinds istiod 1.20–1.23 subscribes to. */
    public static final List<String> ISTIO_120_TYPES = List.of(
            "security.istio.io/v1beta1/AuthorizationPolicy",
            "networking.istio.io/v1alpha3/DestinationRule",
            "networking.istio.io/v1alpha3/EnvoyFilter",
            "networking.istio.io/v1alpha3/Gateway",
            "security.istio.io/v1beta1/PeerAuthentication",
            "networking.istio.io/v1beta1/ProxyConfig",
            "security.istio.io/v1beta1/RequestAuthentication",
            "networking.istio.io/v1alpha3/ServiceEntry",
            "networking.istio.io/v1alpha3/Sidecar",
            "telemetry.istio.io/v1alpha1/Telemetry",
            "networking.istio.io/v1alpha3/VirtualService",
            "extensions.istio.io/v1alpha1/WasmPlugin",
            "networking.istio.io/v1alpha3/WorkloadEntry",
            "networking.istio.io/v1alpha3/WorkloadGroup");

    /** One response as received: when, its version, and its resources decoded. */
    public record Received(long nanoTime, String typeUrl, String version, String nonce, List<Resource> resources,
            List<Any> raw) {
    }

    private static final String MCP_RESOURCE = "type.googleapis.com/istio.mcp.v1alpha1.Resource";
    private static final String XDS_TYPE_PREFIX = "type.googleapis.com/";

    private final ManagedChannel channel;
    private final Node node;
    private final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final List<Received> history = new CopyOnWriteArrayList<>();
    private final Set<String> nackNext = ConcurrentHashMap.newKeySet();
    private final Set<String> nackEvery = ConcurrentHashMap.newKeySet();
    /** Resource names subscribed per type; absent or empty = wildcard. */
    private final Map<String, List<String>> subscribed = new ConcurrentHashMap<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private volatile StreamObserver<DiscoveryRequest> requests;
    private volatile boolean completed;
    private volatile long connectedAt;

    private IstiodLikeClient(ManagedChannel channel, Node node) {
        this.channel = channel;
        this.node = node;
    }

    /** The node istiod's config-source client sends. */
    private static Node istiodNode() {
        return Node.newBuilder()
                .setId("sidecar~" + firstPrivateIp() + "~test-1.istio-system~istio-system.svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("GENERATOR", Value.newBuilder().setStringValue("api").build())
                        .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue("65536.65536.65536").build()))
                .build();
    }

    /** Connects like istiod 1.17+: client keepalive pings every {@code keepAliveSeconds} (0 = none). */
    public static IstiodLikeClient connect(String host, int port, int keepAliveSeconds) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(Integer.MAX_VALUE);
        if (keepAliveSeconds > 0) {
            builder.keepAliveTime(keepAliveSeconds, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS)
                    .keepAliveWithoutCalls(false);
        }
        return new IstiodLikeClient(builder.build(), istiodNode());
    }

    /** Connects as the given node (a sidecar's or a proxyless client's), plaintext; subscribe with {@link #request}. */
    public static IstiodLikeClient connectAs(String host, int port, Node node) {
        return new IstiodLikeClient(NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(Integer.MAX_VALUE).build(), node);
    }

    /**
     * Subscribes to (or changes the subscription of) one type with these resource names (none = wildcard); the
     * stream's first request carries the node.
     */
    public synchronized IstiodLikeClient request(String typeUrl, List<String> resourceNames) {
        DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
                .addAllResourceNames(resourceNames);
        if (requests == null) {
            connectedAt = System.nanoTime();
            requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Receiver());
            request.setNode(node);
        }
        Received last = latest.get(typeUrl);
        if (last != null) {
            request.setResponseNonce(last.nonce()).setVersionInfo(last.version());
        }
        subscribed.put(typeUrl, List.copyOf(resourceNames));
        send(request.build());
        return this;
    }

    /** Opens the stream and sends MeshConfig (with the Node) then every given type, as istiod does. */
    public IstiodLikeClient subscribe(List<String> typeUrls) {
        connectedAt = System.nanoTime();
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Receiver());
        send(DiscoveryRequest.newBuilder().setTypeUrl(MESH_CONFIG).setNode(node)
                .setResponseNonce(Instant.now().toString()).build());
        for (String typeUrl : typeUrls) {
            send(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setResponseNonce(Instant.now().toString()).build());
        }
        return this;
    }

    /** The next response of this type is answered with a NACK instead of an ACK. */
    public void nackNext(String typeUrl) {
        nackNext.add(typeUrl);
    }

    /** Every response of this type from now on is answered with a NACK. */
    public void nackEvery(String typeUrl) {
        nackEvery.add(typeUrl);
    }

    /** Sends a request with an old nonce, as a confused client would. */
    public void sendStale(String typeUrl, String nonce) {
        send(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setResponseNonce(nonce).setNode(node).build());
    }

    public long connectedAtNanos() {
        return connectedAt;
    }

    public Optional<Received> latest(String typeUrl) {
        return Optional.ofNullable(latest.get(typeUrl));
    }

    public List<Received> history() {
        return Collections.unmodifiableList(new ArrayList<>(history));
    }

    public List<Throwable> errors() {
        return errors;
    }

    public boolean streamEnded() {
        return completed || !errors.isEmpty();
    }

    /** Waits until every given type has had at least one response. */
    public void awaitAll(List<String> typeUrls, long timeoutMillis) throws InterruptedException {
        await(() -> typeUrls.stream().allMatch(latest::containsKey), timeoutMillis,
                () -> "types never answered: " + typeUrls.stream().filter(t -> !latest.containsKey(t)).toList()
                        + "; stream errors: " + errors);
    }

    /** Waits until the latest full state of the type satisfies the predicate; returns that state. */
    public Received awaitState(String typeUrl, Predicate<Received> condition, long timeoutMillis)
            throws InterruptedException {
        await(() -> {
            Received r = latest.get(typeUrl);
            return r != null && condition.test(r);
        }, timeoutMillis, () -> "state of " + typeUrl + " never matched; last: " + describe(latest.get(typeUrl))
                + "; stream errors: " + errors);
        return latest.get(typeUrl);
    }

    /**
     * Waits until the latest ServiceEntry state (istiod 1.24+'s type URL) holds an entry for {@code host} that
     * satisfies the predicate; returns that entry.
     */
    public ServiceEntry awaitServiceEntry(String host, Predicate<ServiceEntry> condition, long timeoutMillis)
            throws InterruptedException {
        Received state = awaitState(SERVICE_ENTRY_V1, r -> serviceEntryFor(r, host).filter(condition).isPresent(),
                timeoutMillis);
        return serviceEntryFor(state, host).orElseThrow();
    }

    /** Waits until the latest ServiceEntry state has no entry for {@code host}. */
    public void awaitNoServiceEntry(String host, long timeoutMillis) throws InterruptedException {
        awaitState(SERVICE_ENTRY_V1, r -> serviceEntryFor(r, host).isEmpty(), timeoutMillis);
    }

    /** The entry of a ServiceEntry state whose hosts include {@code host}. */
    public static Optional<ServiceEntry> serviceEntryFor(Received received, String host) {
        return serviceEntries(received).values().stream().filter(se -> se.getHostsList().contains(host)).findFirst();
    }

    /** The ServiceEntries of the latest state, by resource name. */
    public static Map<String, ServiceEntry> serviceEntries(Received received) {
        Map<String, ServiceEntry> result = new LinkedHashMap<>();
        for (Resource r : received.resources()) {
            try {
                result.put(r.getMetadata().getName(), r.getBody().unpack(ServiceEntry.class));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("body of " + r.getMetadata().getName() + " is not a ServiceEntry", e);
            }
        }
        return result;
    }

    public static Optional<Resource> resource(Received received, String name) {
        return received.resources().stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    /** istiod puts its pod's first private IPv4 address into its node id; 127.0.0.1 when there is none. */
    static String firstPrivateIp() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }

    @Override
    public void close() {
        StreamObserver<DiscoveryRequest> r = requests;
        if (r != null && !streamEnded()) {
            try {
                r.onCompleted();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void send(DiscoveryRequest request) {
        requests.onNext(request);
    }

    private static String describe(Received r) {
        if (r == null) {
            return "none";
        }
        if (r.resources().isEmpty() && !r.raw().isEmpty()) {
            return r.version() + " with " + r.raw().size() + " resources of " + r.raw().get(0).getTypeUrl();
        }
        return r.version() + " with " + r.resources().stream().map(x -> x.getMetadata().getName()).toList();
    }

    private static void await(java.util.function.BooleanSupplier condition, long timeoutMillis,
            java.util.function.Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(5);
        }
    }

    private final class Receiver implements StreamObserver<DiscoveryResponse> {
        @Override
        public void onNext(DiscoveryResponse response) {
            long now = System.nanoTime();
            List<Resource> resources = new ArrayList<>();
            boolean xds = response.getTypeUrl().startsWith(XDS_TYPE_PREFIX);
            for (Any any : response.getResourcesList()) {
                if (xds && !any.getTypeUrl().equals(MCP_RESOURCE)) {
                    continue;
                }
                try {
                    resources.add(any.unpack(Resource.class));
                } catch (InvalidProtocolBufferException e) {
                    errors.add(new AssertionError("resource is not an istio.mcp.v1alpha1.Resource: " + any.getTypeUrl(), e));
                }
            }
            Received received = new Received(now, response.getTypeUrl(), response.getVersionInfo(),
                    response.getNonce(), List.copyOf(resources), List.copyOf(response.getResourcesList()));
            history.add(received);
            latest.put(response.getTypeUrl(), received);
            DiscoveryRequest.Builder reply = DiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl())
                    .setResponseNonce(response.getNonce()).setVersionInfo(response.getVersionInfo()).setNode(node)
                    .addAllResourceNames(subscribed.getOrDefault(response.getTypeUrl(), List.of()));
            if (nackNext.remove(response.getTypeUrl()) || nackEvery.contains(response.getTypeUrl())) {
                reply.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3)
                        .setMessage("rejected by the test").build());
            }
            send(reply.build());
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }
}
