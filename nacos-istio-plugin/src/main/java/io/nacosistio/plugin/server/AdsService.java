package io.nacosistio.plugin.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.proto.envoy.config.core.v3.ControlPlane;
import io.nacosistio.proto.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.nacosistio.proto.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryResponse;

import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ADS endpoint istiod's config-source client dials. State of the world only: istiod never uses the
 * delta variant for config sources, so delta streams end at once with UNIMPLEMENTED and a reason.
 */
final class AdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {

    private final ResourceCache cache;
    private final ServerMetrics metrics;
    private final Executor pool;
    private final ControlPlane controlPlane;
    private final StreamRegistry registry;
    private final AtomicLong streamIds = new AtomicLong();

    AdsService(ResourceCache cache, ServerMetrics metrics, Executor pool, String controlPlaneId,
            StreamRegistry registry) {
        this.cache = cache;
        this.metrics = metrics;
        this.pool = pool;
        this.controlPlane = ControlPlane.newBuilder().setIdentifier(controlPlaneId).build();
        this.registry = registry;
    }

    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(
            StreamObserver<DiscoveryResponse> responseObserver) {
        ServerCallStreamObserver<DiscoveryResponse> responses =
                (ServerCallStreamObserver<DiscoveryResponse>) responseObserver;
        McpStream stream = new McpStream(streamIds.incrementAndGet(), currentPeer(), responses, cache, metrics,
                pool, controlPlane, registry);
        stream.open();
        return stream;
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
            StreamObserver<DeltaDiscoveryResponse> responseObserver) {
        metrics.deltaRejected.incrementAndGet();
        responseObserver.onError(Status.UNIMPLEMENTED
                .withDescription("this MCP server speaks state-of-the-world ADS only "
                        + "(StreamAggregatedResources), which is what istiod's config sources use")
                .asRuntimeException());
        return new StreamObserver<DeltaDiscoveryRequest>() {
            @Override
            public void onNext(DeltaDiscoveryRequest value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static String currentPeer() {
        // Service methods do not see the call's attributes; PeerInterceptor puts the address in the context.
        SocketAddress address = PeerInterceptor.CURRENT_PEER.get();
        return address == null ? "unknown" : address.toString();
    }
}
