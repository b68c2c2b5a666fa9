package io.nacosistio.plugin.server;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.nacosistio.proto.envoy.config.core.v3.Node;
import io.nacosistio.proto.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryResponse;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ADS stream for the server tests, shaped like istiod's: MeshConfig first with the node, a timestamp as each
 * first nonce; every response recorded and ACKed at once (or NACKed once when told). Responses arrive on gRPC's
 * thread; the test reads them from {@link #received}.
 */
final class AckingClient implements StreamObserver<DiscoveryResponse> {

    private static final String FIRST_NONCE = "2026-11-24 10:00:00 +0000 UTC";

    final BlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
    final StreamObserver<DiscoveryRequest> requests;
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private volatile String nackType;
    private volatile String nackMessage;
    volatile Throwable error;

    AckingClient(ManagedChannel channel) {
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
    }

    AckingClient subscribe(List<String> types) {
        send(DiscoveryRequest.newBuilder().setTypeUrl("core/v1alpha1/MeshConfig")
                .setNode(Node.newBuilder().setId("sidecar~10.0.0.1~istiod.istio-system~istio-system.svc.cluster.local"))
                .setResponseNonce(FIRST_NONCE).build());
        for (String type : types) {
            send(DiscoveryRequest.newBuilder().setTypeUrl(type).setResponseNonce(FIRST_NONCE).build());
        }
        return this;
    }

    /** The next response of this type is answered with a NACK carrying the message. */
    void nackNext(String typeUrl, String message) {
        nackMessage = message;
        nackType = typeUrl;
    }

    /** Sends a request of the test's own, between the client's ACKs. */
    synchronized void send(DiscoveryRequest request) {
        requests.onNext(request);
    }

    @Override
    public synchronized void onNext(DiscoveryResponse r) {
        received.add(r);
        DiscoveryRequest.Builder reply = DiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl())
                .setResponseNonce(r.getNonce()).setVersionInfo(r.getVersionInfo());
        if (r.getTypeUrl().equals(nackType)) {
            reply.setErrorDetail(io.nacosistio.proto.google.rpc.Status.newBuilder().setCode(3).setMessage(nackMessage));
            nackType = null;
        }
        requests.onNext(reply.build());
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        ended.complete(t);
    }

    @Override
    public void onCompleted() {
        ended.complete(null);
    }

    /** The next response of any type, which must come within 10 s. */
    DiscoveryResponse next() throws InterruptedException {
        DiscoveryResponse r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no response within 10 s" + (error == null ? "" : ": " + error));
        }
        return r;
    }

    /** The next response of this type (others are passed over), which must come within 10 s. */
    DiscoveryResponse next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            DiscoveryResponse r = received.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.getTypeUrl().equals(type)) {
                return r;
            }
        }
        throw new AssertionError("no response for " + type + (error == null ? "" : ": " + error));
    }

    /** Waits for the stream to end; returns the error it ended with (null when the server completed it). */
    Throwable awaitEnd() throws Exception {
        return ended.get(10, TimeUnit.SECONDS);
    }
}
