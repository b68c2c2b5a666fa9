package io.nacosistio.plugin.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.concurrent.Confined;
import io.nacosistio.plugin.concurrent.SerialExecutor;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.server.stream.Decision;
import io.nacosistio.plugin.server.stream.RequestKind;
import io.nacosistio.plugin.server.stream.StreamProtocol;
import io.nacosistio.plugin.server.stream.TypeSubscription;
import io.nacosistio.proto.envoy.config.core.v3.ControlPlane;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One istiod connection, the gRPC side of it: a thin adapter that turns requests, cache changes and
 * transport-ready signals into tasks on this stream's {@link SerialExecutor}, asks the stream's
 * {@link StreamProtocol} what to do, and does it (serialize and send a set, count, log, close). The executor
 * alone owns the protocol object and the fields below (checked on every entry); a task that throws closes the
 * stream with INTERNAL and is counted. A response is asked for only when the transport is ready, and the set
 * is read from the cache at that moment, so nothing queues and a slow client skips intermediate versions.
 */
@Confined("this stream's SerialExecutor (on the nacos-mesh-mcp-* pool)")
final class McpStream implements StreamObserver<DiscoveryRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(McpStream.class);
    /** What a type URL the plugin does not know is answered with: nothing, so the client never waits. */
    private static final ResourceSet UNKNOWN_TYPE_ANSWER = ResourceSet.empty(IstioKind.MESH_CONFIG);

    private final long id;
    private final String peer;
    private final ServerCallStreamObserver<DiscoveryResponse> responses;
    private final ResourceCache cache;
    private final ServerMetrics metrics;
    private final SerialExecutor executor;
    private final ControlPlane controlPlane;
    private final StreamRegistry registry;
    private final StreamProtocol protocol = new StreamProtocol(typeUrl -> IstioKind.forTypeUrl(typeUrl).isPresent());
    private volatile String nodeId = "";
    private boolean closed;
    private Runnable unwatch;

    McpStream(long id, String peer, ServerCallStreamObserver<DiscoveryResponse> responses, ResourceCache cache,
            ServerMetrics metrics, Executor pool, ControlPlane controlPlane, StreamRegistry registry) {
        this.id = id;
        this.peer = peer;
        this.responses = responses;
        this.cache = cache;
        this.metrics = metrics;
        this.executor = new SerialExecutor(pool, this::taskFailed, metrics.streamTasksRejected::incrementAndGet);
        this.controlPlane = controlPlane;
        this.registry = registry;
    }

    /** Called once by the service before any request arrives. */
    void open() {
        responses.setOnReadyHandler(() -> executor.execute(this::sendPending));
        responses.setOnCancelHandler(() -> executor.execute(() -> close("cancelled by the client")));
        unwatch = cache.watch(kind -> executor.execute(this::sendPending));
        metrics.streamsOpened.incrementAndGet();
        registry.add(this);
    }

    @Override
    public void onNext(DiscoveryRequest request) {
        executor.execute(() -> handle(request));
    }

    @Override
    public void onError(Throwable t) {
        executor.execute(() -> close("transport error: " + Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
        executor.execute(() -> {
            if (!closed) {
                responses.onCompleted();
            }
            close("closed by the client");
        });
    }

    private void handle(DiscoveryRequest request) {
        executor.throwIfNotInThisContext();
        if (closed) {
            return;
        }
        metrics.requests.incrementAndGet();
        if (request.hasNode() && nodeId.isEmpty()) {
            nodeId = request.getNode().getId();
            LOG.info("nacos-istio-plugin: MCP stream {} opened by {} (node {})", id, peer, nodeId);
        }
        String typeUrl = request.getTypeUrl();
        String error = request.hasErrorDetail() ? request.getErrorDetail().getMessage() : null;
        RequestKind kind = protocol.onRequest(typeUrl, request.getResponseNonce(), error);
        switch (kind) {
            case INITIAL_UNKNOWN_TYPE:
                metrics.unknownTypeUrls.incrementAndGet();
                LOG.warn("nacos-istio-plugin: stream {} ({}) subscribed to unknown type URL '{}'; answering it empty "
                        + "so the client does not wait for it", id, nodeId, typeUrl);
                break;
            case ACK:
                metrics.acks.incrementAndGet();
                break;
            case NACK:
                metrics.nacks.incrementAndGet();
                LOG.warn("nacos-istio-plugin: stream {} ({}) rejected {} version {}: {}", id, nodeId, typeUrl,
                        protocol.subscription(typeUrl).lastVersionNacked(), error);
                break;
            case STALE_NONCE:
                metrics.staleRequests.incrementAndGet();
                break;
            default:
                break;
        }
        if (kind.endsStream()) {
            end(Status.INVALID_ARGUMENT.withDescription("a request on an aggregated stream must name its type_url"),
                    "request without a type URL");
        } else if (kind.mayUnblockASend()) {
            sendPending();
        }
    }

    /**
     * Sends every subscribed type the protocol says to, as far as the transport is ready; nothing while the
     * cache holds answers (this node's data is not complete yet; the cache tells every stream when it lets go).
     */
    private void sendPending() {
        executor.throwIfNotInThisContext();
        if (!cache.answering()) {
            return;
        }
        for (String typeUrl : protocol.typeUrls()) {
            if (closed || !responses.isReady()) {
                return;
            }
            ResourceSet set = currentSet(typeUrl);
            Decision decision = protocol.respond(typeUrl, set.version());
            if (decision.sends()) {
                send(decision, set);
            }
        }
    }

    private ResourceSet currentSet(String typeUrl) {
        Optional<IstioKind> kind = IstioKind.forTypeUrl(typeUrl);
        if (!kind.isPresent()) {
            return UNKNOWN_TYPE_ANSWER;
        }
        return cache.current(kind.get());
    }

    private void send(Decision decision, ResourceSet set) {
        DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder()
                .setTypeUrl(decision.typeUrl())
                .setVersionInfo(decision.version())
                .setNonce(decision.nonce())
                .setControlPlane(controlPlane);
        long bytes = 0;
        for (McpResource resource : set.resources()) {
            response.addResources(resource.packed());
            bytes += resource.serializedSize();
        }
        try {
            responses.onNext(response.build());
        } catch (RuntimeException e) {
            close("send failed: " + e);
            return;
        }
        metrics.responses.incrementAndGet();
        metrics.resourcesSent.addAndGet(set.resources().size());
        metrics.bytesSent.addAndGet(bytes);
    }

    /** Runs in the stream's context: a bug in one task ends this stream, never the others or the server. */
    private void taskFailed(Throwable t) {
        metrics.streamTaskFailures.incrementAndGet();
        LOG.error("nacos-istio-plugin: MCP stream {} ({}) task failed; closing the stream", id, nodeId, t);
        end(Status.INTERNAL.withDescription("MCP stream failed: " + t), "task failed: " + t);
    }

    /** Ends the stream from the server side with a status, unless it already ended. */
    private void end(Status status, String reason) {
        if (closed) {
            return;
        }
        try {
            responses.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
            // the transport may already be gone
        }
        close(reason);
    }

    private void close(String reason) {
        executor.throwIfNotInThisContext();
        if (closed) {
            return;
        }
        closed = true;
        if (unwatch != null) {
            unwatch.run();
        }
        registry.remove(this);
        metrics.streamsClosed.incrementAndGet();
        LOG.info("nacos-istio-plugin: MCP stream {} from {} (node {}) ended: {}", id, peer, nodeId, reason);
    }

    /** A consistent copy of this stream's state for the debug view; runs on the stream's executor. */
    void describe(java.util.function.Consumer<StreamInfo> sink) {
        executor.execute(() -> {
            List<StreamInfo.TypeInfo> types = new ArrayList<>();
            for (TypeSubscription s : protocol.subscriptions()) {
                types.add(new StreamInfo.TypeInfo(s.typeUrl(), s.lastVersionSent(), s.lastVersionAcked(),
                        s.lastNonceSent(), s.awaitingReply(), s.responsesSent(), s.acks(), s.nacks(),
                        s.lastVersionNacked(), s.lastNackMessage(), s.staleRequests()));
            }
            sink.accept(new StreamInfo(id, peer, nodeId, types));
        });
    }

    long id() {
        return id;
    }

    /** Ends the stream from the server side (shutdown). */
    void shutdown() {
        executor.execute(() -> end(Status.UNAVAILABLE.withDescription("MCP server is shutting down"),
                "server shutdown"));
    }
}
