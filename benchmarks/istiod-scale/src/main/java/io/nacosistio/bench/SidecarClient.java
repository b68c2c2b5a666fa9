package io.nacosistio.bench;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sidecar-shaped xDS client on istiod's plaintext port: the node id of a sidecar
 * ({@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local}), subscribed as Envoy subscribes over ADS: CDS and LDS
 * wildcard, EDS by the names of the {@code outbound|} clusters CDS gave, RDS by the route of the services' one
 * HTTP port ({@code 8080}). Every response is ACKed. Resources are not decoded: only the name field of each
 * cluster and load assignment is read, and each load assignment is handed as bytes to the {@link EdsTracker},
 * so the client costs little next to istiod on the same cores even when a full push sends it 10,000 clusters.
 *
 * <p>Threads: the clients share two Netty event loops ({@code bench-sidecar-io-*}) and one callback thread
 * ({@code bench-sidecar-exec-1}), which owns the subscription state; counters are atomic.
 */
final class SidecarClient implements AutoCloseable {

    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    static final List<String> TYPES = List.of(CDS, EDS, LDS, RDS);
    /** The route configuration of the services' port: Envoy asks for it by this name after LDS. */
    static final String ROUTE_NAME = "8080";

    private static final EventLoopGroup IO = new NioEventLoopGroup(2, new DefaultThreadFactory("bench-sidecar-io", true));
    private static final ExecutorService CALLBACKS = Executors.newSingleThreadExecutor(Registry.named("bench-sidecar-exec-"));

    private final ManagedChannel channel;
    private final Node node;
    private final EdsTracker tracker;
    private final Map<String, AtomicLong> responses = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
    private final Set<String> edsReceived = ConcurrentHashMap.newKeySet();
    private volatile Set<String> clusters = Set.of();
    private volatile List<String> edsSubscription = List.of();
    private volatile boolean routesRequested;
    private volatile ClientCallStreamObserver<DiscoveryRequest> requests;
    private volatile Throwable error;

    SidecarClient(int grpcPort, int index, EdsTracker tracker) {
        this.tracker = tracker;
        String ip = "10.250.0." + (index + 1);
        String pod = "bench-sidecar-" + index;
        String ns = "bench";
        this.node = Node.newBuilder()
                .setId("sidecar~" + ip + "~" + pod + "." + ns + "~" + ns + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("ISTIO_VERSION", text("1.31.0"))
                        .putFields("CLUSTER_ID", text("Kubernetes"))
                        .putFields("NAMESPACE", text(ns))
                        .putFields("INSTANCE_IPS", text(ip))
                        .putFields("WORKLOAD_NAME", text(pod))
                        .putFields("INTERCEPTION_MODE", text("REDIRECT")))
                .build();
        for (String type : TYPES) {
            responses.put(type, new AtomicLong());
            bytes.put(type, new AtomicLong());
        }
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
                .eventLoopGroup(IO).channelType(NioSocketChannel.class).executor(CALLBACKS)
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build();
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    SidecarClient connect() {
        ClientCalls.asyncBidiStreamingCall(channel.newCall(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(),
                CallOptions.DEFAULT), new Receiver());
        // The callback thread owns the stream: the first requests go out there too.
        CALLBACKS.execute(() -> {
            send(CDS, List.of(), "", "");
            send(LDS, List.of(), "", "");
        });
        return this;
    }

    private void send(String type, List<String> names, String version, String nonce) {
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                .setVersionInfo(version).setResponseNonce(nonce).build());
    }

    /** Clusters the latest CDS response held. */
    int clusters() {
        return clusters.size();
    }

    /** Distinct clusters an EDS response has carried so far. */
    int clustersWithEndpoints() {
        return edsReceived.size();
    }

    long responses(String type) {
        return responses.get(type).get();
    }

    long bytes(String type) {
        return bytes.get(type).get();
    }

    Throwable error() {
        return error;
    }

    private final class Receiver implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {

        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
            requests = stream;
        }

        @Override
        public void onNext(DiscoveryResponse response) {
            long arrived = System.nanoTime();
            String type = response.getTypeUrl();
            AtomicLong count = responses.get(type);
            if (count != null) {
                count.incrementAndGet();
                bytes.get(type).addAndGet(response.getSerializedSize());
            }
            switch (type) {
                case CDS -> {
                    Set<String> names = new LinkedHashSet<>();
                    for (Any any : response.getResourcesList()) {
                        String name = nameOf(any.getValue());
                        if (name.startsWith("outbound|")) {
                            names.add(name);
                        }
                    }
                    clusters = names;
                    List<String> wanted = new ArrayList<>(names);
                    if (!wanted.equals(edsSubscription)) {
                        // Envoy asks for the new clusters' endpoints before it ACKs the clusters.
                        edsSubscription = wanted;
                        send(EDS, wanted, "", "");
                    }
                    send(CDS, List.of(), response.getVersionInfo(), response.getNonce());
                }
                case EDS -> {
                    for (Any any : response.getResourcesList()) {
                        String cluster = nameOf(any.getValue());
                        edsReceived.add(cluster);
                        tracker.arrived(cluster, any.getValue(), arrived);
                    }
                    send(EDS, edsSubscription, response.getVersionInfo(), response.getNonce());
                }
                case LDS -> {
                    if (!routesRequested) {
                        routesRequested = true;
                        send(RDS, List.of(ROUTE_NAME), "", "");
                    }
                    send(LDS, List.of(), response.getVersionInfo(), response.getNonce());
                }
                case RDS -> send(RDS, List.of(ROUTE_NAME), response.getVersionInfo(), response.getNonce());
                default -> send(type, List.of(), response.getVersionInfo(), response.getNonce());
            }
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            error = new IllegalStateException("istiod closed the stream");
        }
    }

    /** Field 1 of a Cluster or ClusterLoadAssignment: its name; nothing else is parsed. */
    static String nameOf(ByteString resource) {
        try {
            CodedInputStream in = resource.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == 10) {
                    return in.readStringRequireUtf8();
                }
                in.skipField(tag);
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        ClientCallStreamObserver<DiscoveryRequest> r = requests;
        if (r != null) {
            try {
                r.onCompleted();
            } catch (RuntimeException e) {
                // the stream has already failed
            }
        }
        channel.shutdownNow();
    }
}
