package io.nacosistio.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One istiod-like ADS stream for the benchmark: sends MeshConfig with the Node, then every type URL the server
 * understands (a timestamp as first nonce, as istiod does), and ACKs every response. It counts responses and
 * bytes, and keeps the arrival time and version of every ServiceEntry response. A measuring client also hands
 * each ServiceEntry response to a {@link ChangeTracker}; a stalled client requests no message from its transport,
 * so once gRPC's flow-control window is full the server cannot write to it, as with an istiod that stopped
 * reading.
 *
 * <p>Threads: all clients share two Netty event loops ({@code bench-client-io-*}) and two callback threads
 * ({@code bench-client-exec-*}), so their CPU is never counted as a server's.
 */
final class AdsClient implements AutoCloseable {

    enum Mode { COUNT, MEASURE, STALL }

    /** One ServiceEntry response: when it arrived, its version and how many resources it held. */
    record Arrival(long nanos, String version, int resources, int bytes) {
    }

    private static final EventLoopGroup IO = new NioEventLoopGroup(2, new DefaultThreadFactory("bench-client-io", true));
    private static final ExecutorService CALLBACKS = Executors.newFixedThreadPool(2, daemon("bench-client-exec-"));
    private static final MethodDescriptor<DiscoveryRequest, LightResponse> ADS = MethodDescriptor
            .<DiscoveryRequest, LightResponse>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getFullMethodName())
            .setRequestMarshaller(ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance()))
            .setResponseMarshaller(new LightResponse.Marshaller())
            .build();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final int BUILT_IN_ATTEMPTS = 8;

    private final MeshServer server;
    private final Mode mode;
    private final ChangeTracker tracker;
    private final ManagedChannel channel;
    private final Node node;
    private final List<Arrival> serviceEntryArrivals = new ArrayList<>();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong serviceEntryResponses = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile ClientCallStreamObserver<DiscoveryRequest> requests;
    private volatile Throwable error;
    private volatile boolean firstSent;
    private long subscribedAt;

    /** A tracker is given to measuring clients only. */
    AdsClient(MeshServer server, int port, Mode mode, ChangeTracker tracker) {
        this.server = server;
        this.mode = mode;
        this.tracker = tracker;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .eventLoopGroup(IO).channelType(NioSocketChannel.class).executor(CALLBACKS)
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .flowControlWindow(1 << 20)
                .build();
        this.node = Node.newBuilder()
                .setId("sidecar~127.0.0.1~bench-" + IDS.incrementAndGet() + ".istio-system~istio-system.svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("GENERATOR", Value.newBuilder().setStringValue("api").build()))
                .build();
    }

    /** Opens the stream and subscribes, as istiod does on start. */
    AdsClient subscribe() {
        subscribedAt = System.nanoTime();
        ClientCalls.asyncBidiStreamingCall(channel.newCall(ADS, CallOptions.DEFAULT), new Receiver());
        send(request("core/v1alpha1/MeshConfig", Instant.now().toString(), ""));
        for (String typeUrl : server.typeUrls()) {
            send(request(typeUrl, Instant.now().toString(), ""));
        }
        return this;
    }

    /** A stalled client starts reading again. */
    void resume() {
        requests.request(Integer.MAX_VALUE);
    }

    long subscribedAtNanos() {
        return subscribedAt;
    }

    MeshServer server() {
        return server;
    }

    long responses() {
        return responses.get();
    }

    long serviceEntryResponses() {
        return serviceEntryResponses.get();
    }

    long bytes() {
        return bytes.get();
    }

    Throwable error() {
        return error;
    }

    synchronized List<Arrival> serviceEntryArrivals() {
        return new ArrayList<>(serviceEntryArrivals);
    }

    /** The first ServiceEntry response holding at least {@code services} resources, if one arrived. */
    synchronized Arrival firstWithAtLeast(int services) {
        for (Arrival a : serviceEntryArrivals) {
            if (a.resources() >= services) {
                return a;
            }
        }
        return null;
    }

    synchronized Arrival lastServiceEntry() {
        return serviceEntryArrivals.isEmpty() ? null : serviceEntryArrivals.get(serviceEntryArrivals.size() - 1);
    }

    /** Waits until a ServiceEntry response with at least {@code services} resources has arrived. */
    Arrival awaitServiceEntries(int services, long timeoutMillis) throws InterruptedException {
        return awaitServiceEntries(services, timeoutMillis, false);
    }

    /** As above; with {@code failFast} a stream error ends the wait at once. */
    Arrival awaitServiceEntries(int services, long timeoutMillis, boolean failFast) throws InterruptedException {
        await(() -> firstWithAtLeast(services) != null || (failFast && error != null), timeoutMillis,
                () -> server.label() + " client never received " + services + " ServiceEntries; last: "
                        + lastServiceEntry() + "; error: " + error);
        return firstWithAtLeast(services);
    }

    /**
     * A subscribed client that holds at least {@code services} ServiceEntries. The built-in module fails a stream
     * that subscribes while another one does, or before it built its first snapshot after registrations; such a
     * stream is closed, {@code onBuiltInFailure} told, and a new one tried after a growing pause (at most
     * {@link #BUILT_IN_ATTEMPTS} attempts). A plugin stream that fails is an error at once.
     */
    static AdsClient subscribeSynced(MeshServer server, int port, Mode mode, ChangeTracker tracker, int services,
            long timeoutMillis, Runnable onBuiltInFailure) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            AdsClient client = new AdsClient(server, port, mode, tracker).subscribe();
            try {
                if (client.awaitServiceEntries(services, timeoutMillis, true) == null) {
                    throw new IllegalStateException(server.label() + " stream failed before it held " + services
                            + " ServiceEntries: " + client.error());
                }
                return client;
            } catch (IllegalStateException e) {
                client.close();
                if (server != MeshServer.BUILT_IN || client.error() == null || attempt >= BUILT_IN_ATTEMPTS) {
                    throw e;
                }
                onBuiltInFailure.run();
                Log.info("built-in: stream failed while subscribing (%s); reconnecting in %d s", client.error(),
                        attempt);
                Thread.sleep(attempt * 1000L);
            }
        }
    }

    static void await(BooleanSupplier condition, long timeoutMillis, java.util.function.Supplier<String> failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure.get());
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        ClientCallStreamObserver<DiscoveryRequest> r = requests;
        if (r != null && error == null) {
            try {
                r.onCompleted();
            } catch (RuntimeException ignored) {
                // the stream is already gone
            }
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DiscoveryRequest request(String typeUrl, String nonce, String version) {
        DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setResponseNonce(nonce)
                .setVersionInfo(version);
        if (!firstSent) {
            b.setNode(node);
            firstSent = true;
        }
        return b.build();
    }

    private synchronized void send(DiscoveryRequest request) {
        requests.onNext(request);
    }

    private final class Receiver implements ClientResponseObserver<DiscoveryRequest, LightResponse> {

        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
            requests = stream;
            if (mode == Mode.STALL) {
                stream.disableAutoRequestWithInitial(0);
            }
        }

        @Override
        public void onNext(LightResponse response) {
            long now = System.nanoTime();
            responses.incrementAndGet();
            bytes.addAndGet(response.sizeBytes());
            if (response.typeUrl().equals(server.serviceEntryTypeUrl())) {
                serviceEntryResponses.incrementAndGet();
                synchronized (AdsClient.this) {
                    serviceEntryArrivals.add(new Arrival(now, response.version(), response.resourceCount(),
                            response.sizeBytes()));
                }
                if (tracker != null) {
                    tracker.onServiceEntries(now, response.version(), response.decode());
                }
            }
            send(request(response.typeUrl(), response.nonce(), response.version()));
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            error = new IllegalStateException("server closed the stream");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
