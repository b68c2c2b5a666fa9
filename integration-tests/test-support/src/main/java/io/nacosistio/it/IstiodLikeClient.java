package io.nacosistio.it;

import com.google.protobuf.Any;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import istio.mcp.v1alpha1.ResourceOuterClass.Resource;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Behaves like istiod's config-source client (pkg/adsc): one SotW ADS stream, MeshConfig requested
 * first with the Node, then every Pilot kind with a timestamp as the first nonce, every response ACKed
 * with its nonce and version, and each response taken as the complete state of its type. Decodes with
 * Envoy's and Istio's own generated classes, independent of the plugin's.
 *
 * <p>The same stream serves as a proxy's toward istiod ({@link #connectAs}, {@link #request}): the node is the
 * caller's, each type is subscribed with its resource names (which every ACK repeats, as Envoy does), and
 * responses that are not MCP keep their resources as they came ({@link Received#raw()}).
 *
 * <p>For a benchmark that runs many clients in the JVM of the servers it measures ({@link #builder}): a
 * decode-free mode that reads only a response's header fields (type URL, version, nonce, number of resources,
 * size) and keeps no resource, a listener that may decode the responses it needs, clients on shared transport
 * threads, and a stalled client that reads nothing from its transport until {@link #resume()}.
 *
 * <p>Threads: responses are handled, recorded and ACKed on gRPC's callback thread; the queries and waits are
 * safe from any thread.
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

    /**
     * One response as received: when, its version, its resources decoded (none in the decode-free mode), how many
     * resources it held and its size on the wire.
     */
    public record Received(long nanoTime, String typeUrl, String version, String nonce, List<Resource> resources,
            List<Any> raw, int resourceCount, int sizeBytes) {
    }

    /**
     * Told of every response on the receiving thread, before it is ACKed. {@code message} parses the whole
     * response: in the decode-free mode that is the only decoding done, so call it only for what you need.
     */
    public interface ResponseListener {
        void onResponse(Received received, Supplier<DiscoveryResponse> message);
    }

    /** How a client is made: transport, node, decoding and reading. */
    public static final class Builder {
        private final String host;
        private final int port;
        private Node node = istiodNode("test-1");
        private int keepAliveSeconds;
        private EventLoopGroup eventLoops;
        private Executor callbacks;
        private boolean decodeFree;
        private boolean stalled;
        private ResponseListener listener = (received, message) -> { };

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        public Builder node(Node value) {
            node = value;
            return this;
        }

        /** Client keepalive pings every {@code seconds} (0 = none), as istiod 1.17+ sends them. */
        public Builder keepAliveSeconds(int seconds) {
            keepAliveSeconds = seconds;
            return this;
        }

        /** Runs the channel on these (shared) event loops and calls back on this executor. */
        public Builder sharedThreads(EventLoopGroup loops, Executor executor) {
            eventLoops = loops;
            callbacks = executor;
            return this;
        }

        /** Reads only each response's header fields; resources are neither decoded nor kept. */
        public Builder decodeFree() {
            decodeFree = true;
            return this;
        }

        /** Requests no message from the transport until {@link #resume()}: an istiod that stopped reading. */
        public Builder stalled() {
            stalled = true;
            return this;
        }

        public Builder listener(ResponseListener value) {
            listener = value;
            return this;
        }

        public IstiodLikeClient build() {
            NettyChannelBuilder channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                    .maxInboundMessageSize(Integer.MAX_VALUE).flowControlWindow(ISTIOD_WINDOW_BYTES);
            if (keepAliveSeconds > 0) {
                channel.keepAliveTime(keepAliveSeconds, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS)
                        .keepAliveWithoutCalls(false);
            }
            if (eventLoops != null) {
                channel.eventLoopGroup(eventLoops).channelType(NioSocketChannel.class).executor(callbacks);
            }
            return new IstiodLikeClient(channel.build(), this);
        }
    }

    private static final String MCP_RESOURCE = "type.googleapis.com/istio.mcp.v1alpha1.Resource";
    private static final String XDS_TYPE_PREFIX = "type.googleapis.com/";
    /** istiod's initial stream and connection windows (1 MiB), gRPC-Go's dial options in configcontroller. */
    private static final int ISTIOD_WINDOW_BYTES = 1 << 20;
    /** The ADS call with responses taken as bytes, so that each mode decodes them as far as it needs. */
    private static final MethodDescriptor<DiscoveryRequest, byte[]> ADS = MethodDescriptor
            .<DiscoveryRequest, byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getFullMethodName())
            .setRequestMarshaller(ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance()))
            .setResponseMarshaller(new BytesMarshaller())
            .build();

    private final ManagedChannel channel;
    private final Node node;
    private final boolean decodeFree;
    private final boolean stalled;
    private final ResponseListener listener;
    private final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final List<Received> history = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong responseCount = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final Set<String> nackNext = ConcurrentHashMap.newKeySet();
    private final Set<String> nackEvery = ConcurrentHashMap.newKeySet();
    /** Resource names subscribed per type; absent or empty = wildcard. */
    private final Map<String, List<String>> subscribed = new ConcurrentHashMap<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private volatile StreamObserver<DiscoveryRequest> requests;
    private volatile ClientCallStreamObserver<DiscoveryRequest> call;
    private volatile boolean completed;
    private volatile long connectedAt;

    private IstiodLikeClient(ManagedChannel channel, Builder options) {
        this.channel = channel;
        this.node = options.node;
        this.decodeFree = options.decodeFree;
        this.stalled = options.stalled;
        this.listener = options.listener;
    }

    /** A client to be configured before it connects; {@link #connect} makes the common one. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** The node istiod's config-source client sends, for a pod of this name in istio-system. */
    public static Node istiodNode(String podName) {
        return Node.newBuilder()
                .setId("sidecar~" + firstPrivateIp() + "~" + podName + ".istio-system~istio-system.svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("GENERATOR", Value.newBuilder().setStringValue("api").build())
                        .putFields("ISTIO_VERSION", Value.newBuilder().setStringValue("65536.65536.65536").build()))
                .build();
    }

    /** Connects like istiod 1.17+: client keepalive pings every {@code keepAliveSeconds} (0 = none). */
    public static IstiodLikeClient connect(String host, int port, int keepAliveSeconds) {
        return builder(host, port).keepAliveSeconds(keepAliveSeconds).build();
    }

    /** Connects as the given node (a sidecar's or a proxyless client's), plaintext; subscribe with {@link #request}. */
    public static IstiodLikeClient connectAs(String host, int port, Node node) {
        return builder(host, port).node(node).build();
    }

    /**
     * Subscribes to (or changes the subscription of) one type with these resource names (none = wildcard); the
     * stream's first request carries the node.
     */
    public synchronized IstiodLikeClient request(String typeUrl, List<String> resourceNames) {
        DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
                .addAllResourceNames(resourceNames);
        if (requests == null) {
            open();
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
        open();
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

    /** A stalled client starts reading its transport. */
    public void resume() {
        call.request(Integer.MAX_VALUE);
    }

    /** When the stream was opened ({@link System#nanoTime()}). */
    public long connectedAtNanos() {
        return connectedAt;
    }

    /** Responses received so far, of every type. */
    public long responseCount() {
        return responseCount.get();
    }

    /** Bytes of all responses received so far. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    public Optional<Received> latest(String typeUrl) {
        return Optional.ofNullable(latest.get(typeUrl));
    }

    public List<Received> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Every response of one type, in arrival order. */
    public List<Received> history(String typeUrl) {
        synchronized (history) {
            return history.stream().filter(r -> r.typeUrl().equals(typeUrl)).toList();
        }
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

    private void open() {
        connectedAt = System.nanoTime();
        requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(ADS, CallOptions.DEFAULT), new Receiver());
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

    /** A response decoded as far as the mode asks: whole, or only its header fields. */
    private Received read(long now, byte[] bytes) throws IOException {
        if (decodeFree) {
            return ResponseHeader.read(now, bytes);
        }
        DiscoveryResponse response = DiscoveryResponse.parseFrom(bytes);
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
        return new Received(now, response.getTypeUrl(), response.getVersionInfo(), response.getNonce(),
                List.copyOf(resources), List.copyOf(response.getResourcesList()), response.getResourcesCount(),
                bytes.length);
    }

    private final class Receiver implements ClientResponseObserver<DiscoveryRequest, byte[]> {
        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
            call = stream;
            if (stalled) {
                stream.disableAutoRequestWithInitial(0);
            }
        }

        @Override
        public void onNext(byte[] bytes) {
            long now = System.nanoTime();
            Received received;
            try {
                received = read(now, bytes);
            } catch (IOException e) {
                errors.add(new AssertionError("response is not a DiscoveryResponse", e));
                return;
            }
            responseCount.incrementAndGet();
            bytesReceived.addAndGet(bytes.length);
            history.add(received);
            latest.put(received.typeUrl(), received);
            listener.onResponse(received, () -> parse(bytes));
            DiscoveryRequest.Builder reply = DiscoveryRequest.newBuilder().setTypeUrl(received.typeUrl())
                    .setResponseNonce(received.nonce()).setVersionInfo(received.version()).setNode(node)
                    .addAllResourceNames(subscribed.getOrDefault(received.typeUrl(), List.of()));
            if (nackNext.remove(received.typeUrl()) || nackEvery.contains(received.typeUrl())) {
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

    private static DiscoveryResponse parse(byte[] bytes) {
        try {
            return DiscoveryResponse.parseFrom(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("response is not a DiscoveryResponse", e);
        }
    }

    /** The header fields of a DiscoveryResponse read off its bytes, resources skipped and counted. */
    private static final class ResponseHeader {
        private static final int VERSION_INFO = 1;
        private static final int RESOURCES = 2;
        private static final int TYPE_URL = 4;
        private static final int NONCE = 5;

        static Received read(long now, byte[] bytes) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            String typeUrl = "";
            String version = "";
            String nonce = "";
            int resources = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case VERSION_INFO -> version = in.readStringRequireUtf8();
                    case TYPE_URL -> typeUrl = in.readStringRequireUtf8();
                    case NONCE -> nonce = in.readStringRequireUtf8();
                    case RESOURCES -> {
                        resources++;
                        in.skipField(tag);
                    }
                    default -> in.skipField(tag);
                }
            }
            return new Received(now, typeUrl, version, nonce, List.of(), List.of(), resources, bytes.length);
        }
    }

    /** Takes a response off the wire as its bytes. */
    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable DiscoveryResponse", e);
            }
        }
    }
}
