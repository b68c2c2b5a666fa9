package io.nacosistio.plugin.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.TlsTesting;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.proto.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.nacosistio.proto.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryRequest;
import io.nacosistio.proto.envoy.service.discovery.v3.DiscoveryResponse;
import io.nacosistio.proto.google.rpc.Status.Builder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MCP server on a real Netty transport (port 0), driven by a client that behaves like istiod. */
class AdsServiceTest {

    private static final String SE_V1 = "networking.istio.io/v1/ServiceEntry";
    private static final String SE_V1ALPHA3 = "networking.istio.io/v1alpha3/ServiceEntry";
    private static final List<String> ISTIO_124 = List.of(
            "security.istio.io/v1/AuthorizationPolicy", "networking.istio.io/v1/DestinationRule",
            "networking.istio.io/v1alpha3/EnvoyFilter", "networking.istio.io/v1/Gateway",
            "security.istio.io/v1/PeerAuthentication", "networking.istio.io/v1beta1/ProxyConfig",
            "security.istio.io/v1/RequestAuthentication", SE_V1, "networking.istio.io/v1/Sidecar",
            "telemetry.istio.io/v1/Telemetry", "networking.istio.io/v1/VirtualService",
            "extensions.istio.io/v1alpha1/WasmPlugin", "networking.istio.io/v1/WorkloadEntry",
            "networking.istio.io/v1/WorkloadGroup");

    private final ResourceCache cache = new ResourceCache();
    private final ServerMetrics metrics = new ServerMetrics();
    private McpServer server;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        if (server != null) {
            server.close();
        }
    }

    private void start(McpServerOptions.Builder options) throws Exception {
        server = new McpServer(options.port(0).bindAddress("127.0.0.1").build(), cache, metrics);
        server.start();
    }

    private ManagedChannel channel() {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(Integer.MAX_VALUE).build();
        channels.add(c);
        return c;
    }

    private static void publish(ResourceCache cache, String version, int count, int bodyBytes) {
        List<McpResource> resources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            resources.add(McpResource.of(IstioKind.SERVICE_ENTRY, "public/svc-" + i, version,
                    Timestamp.newBuilder().setSeconds(1).build(), Map.of(), Map.of(),
                    ByteString.copyFrom(new byte[bodyBytes])));
        }
        cache.publish(new ResourceSet(IstioKind.SERVICE_ENTRY, version, resources));
    }

    @Test
    void answersEveryTypeAtOnceUnderTheRequestedTypeUrl() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v1", 3, 10);
        AckingClient client = new AckingClient(channel()).subscribe(ISTIO_124);
        List<DiscoveryResponse> all = new ArrayList<>();
        for (int i = 0; i < ISTIO_124.size() + 1; i++) {
            all.add(client.received.poll(5, TimeUnit.SECONDS));
        }
        assertThat(all).doesNotContainNull();
        assertThat(all).extracting(DiscoveryResponse::getTypeUrl)
                .containsExactlyInAnyOrderElementsOf(concat("core/v1alpha1/MeshConfig", ISTIO_124));
        DiscoveryResponse se = all.stream().filter(r -> r.getTypeUrl().equals(SE_V1)).findFirst().orElseThrow();
        assertThat(se.getResourcesCount()).isEqualTo(3);
        assertThat(se.getVersionInfo()).isEqualTo("v1");
        assertThat(se.getResources(0).getTypeUrl()).isEqualTo("type.googleapis.com/istio.mcp.v1alpha1.Resource");
        assertThat(se.getControlPlane().getIdentifier()).isEqualTo("nacos-istio-plugin");
        assertThat(all.stream().filter(r -> !r.getTypeUrl().equals(SE_V1))).allMatch(r -> r.getResourcesCount() == 0);
    }

    @Test
    void whileTheCacheHoldsAnswersAStreamGetsNoneAndOnReleaseItGetsEveryCurrentSet() throws Exception {
        cache.holdAnswers();
        start(McpServerOptions.builder());
        publish(cache, "v1", 3, 10);
        AckingClient client = new AckingClient(channel()).subscribe(ISTIO_124);
        // Every request handled (the description runs on the stream's executor after them), nothing sent.
        Await.until(() -> server.streams().size() == 1 && server.streams().get(0).types.size() == ISTIO_124.size() + 1,
                "the stream's requests were handled");
        publish(cache, "v2", 4, 10);
        assertThat(server.streams().get(0).types).allMatch(t -> t.versionSent == null || t.versionSent.isEmpty());
        assertThat(metrics.responses.get()).isZero();
        assertThat(client.received).isEmpty();

        cache.releaseAnswers();
        List<DiscoveryResponse> all = new ArrayList<>();
        for (int i = 0; i < ISTIO_124.size() + 1; i++) {
            all.add(client.received.poll(5, TimeUnit.SECONDS));
        }
        assertThat(all).doesNotContainNull();
        assertThat(all).extracting(DiscoveryResponse::getTypeUrl)
                .containsExactlyInAnyOrderElementsOf(concat("core/v1alpha1/MeshConfig", ISTIO_124));
        DiscoveryResponse se = all.stream().filter(r -> r.getTypeUrl().equals(SE_V1)).findFirst().orElseThrow();
        assertThat(se.getVersionInfo()).isEqualTo("v2");
        assertThat(se.getResourcesCount()).isEqualTo(4);
    }

    @Test
    void onlyTheChangedTypeIsSentAgainAndUnchangedVersionsAreNot() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v1", 1, 10);
        AckingClient client = new AckingClient(channel()).subscribe(ISTIO_124);
        for (int i = 0; i < ISTIO_124.size() + 1; i++) {
            client.next();
        }
        awaitType(SE_V1, t -> "v1".equals(t.versionAcked), "v1 acked");
        // Each publish makes the stream look at every type; what it sends comes in order, so the next
        // response after a publish is all that publish produced before the following one.
        publish(cache, "v2", 2, 10);
        DiscoveryResponse after = client.next();
        assertThat(after.getTypeUrl()).isEqualTo(SE_V1);
        assertThat(after.getVersionInfo()).isEqualTo("v2");
        awaitType(SE_V1, t -> "v2".equals(t.versionAcked), "v2 acked");
        publish(cache, "v2", 2, 10);
        publish(cache, "v3", 1, 10);
        DiscoveryResponse last = client.next();
        assertThat(last.getTypeUrl()).isEqualTo(SE_V1);
        assertThat(last.getVersionInfo()).as("the same version again produced nothing").isEqualTo("v3");
        // The counter is written after the response is handed to gRPC, so the client can read it first.
        Await.until(() -> metrics.responses.get() >= ISTIO_124.size() + 3, "the last response counted");
        assertThat(metrics.responses.get()).isEqualTo(ISTIO_124.size() + 3);
    }

    @Test
    void aKindSubscribedUnderTwoTypeUrlsIsAnsweredUnderBoth() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v1", 2, 10);
        AckingClient client = new AckingClient(channel()).subscribe(List.of(SE_V1, SE_V1ALPHA3));
        assertThat(client.next(SE_V1).getResourcesCount()).isEqualTo(2);
        assertThat(client.next(SE_V1ALPHA3).getResourcesCount()).isEqualTo(2);
    }

    @Test
    void aNackIsRecordedKeepsTheStreamAndIsNotAnsweredWithTheSameVersion() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v1", 1, 10);
        AckingClient client = new AckingClient(channel()).subscribe(List.of(SE_V1));
        client.nackNext(SE_V1, "spec.hosts[0]: invalid");
        assertThat(client.next(SE_V1).getVersionInfo()).isEqualTo("v1");
        StreamInfo.TypeInfo se = awaitType(SE_V1, t -> "v1".equals(t.versionNacked), "the NACK recorded");
        assertThat(se.lastNackMessage).isEqualTo("spec.hosts[0]: invalid");
        assertThat(se.awaitingReply).isFalse();
        assertThat(metrics.nacks.get()).isEqualTo(1);
        publish(cache, "v2", 1, 10);
        assertThat(client.next(SE_V1).getVersionInfo()).as("v1 was not sent again before v2").isEqualTo("v2");
        assertThat(client.error).isNull();
    }

    @Test
    void aStaleNonceIsIgnored() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v1", 1, 10);
        AckingClient client = new AckingClient(channel()).subscribe(List.of(SE_V1));
        client.next(SE_V1);
        awaitType(SE_V1, t -> "v1".equals(t.versionAcked), "v1 acked");
        client.send(DiscoveryRequest.newBuilder().setTypeUrl(SE_V1).setResponseNonce("old").build());
        awaitType(SE_V1, t -> t.staleRequests == 1, "the stale request handled");
        assertThat(metrics.staleRequests.get()).as("stale requests counted").isEqualTo(1);
        publish(cache, "v2", 1, 10);
        assertThat(client.next(SE_V1).getVersionInfo()).as("the stale request re-sent nothing").isEqualTo("v2");
    }

    @Test
    void aRequestWithoutATypeUrlEndsTheStreamWithInvalidArgument() throws Exception {
        start(McpServerOptions.builder());
        AckingClient client = new AckingClient(channel());
        client.send(DiscoveryRequest.newBuilder().setResponseNonce("t").build());
        assertThat(Status.fromThrowable(client.awaitEnd()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(client.received).isEmpty();
        Await.until(() -> server.streams().isEmpty(), "the stream closed on the server");
    }

    @Test
    void aReconnectGetsTheFullState() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v7", 4, 10);
        AckingClient first = new AckingClient(channel()).subscribe(List.of(SE_V1));
        first.next(SE_V1);
        first.requests.onCompleted();
        AckingClient second = new AckingClient(channel()).subscribe(List.of(SE_V1));
        DiscoveryResponse r = second.next(SE_V1);
        assertThat(r.getVersionInfo()).isEqualTo("v7");
        assertThat(r.getResourcesCount()).isEqualTo(4);
    }

    @Test
    void unknownTypeUrlsAreAnsweredEmptyAndDeltaIsRefused() throws Exception {
        start(McpServerOptions.builder());
        AckingClient client = new AckingClient(channel()).subscribe(List.of("gateway.networking.k8s.io/v1/HTTPRoute"));
        assertThat(client.next("gateway.networking.k8s.io/v1/HTTPRoute").getResourcesCount()).isZero();
        assertThat(metrics.unknownTypeUrls.get()).isEqualTo(1);

        CountDownLatch failed = new CountDownLatch(1);
        Throwable[] error = new Throwable[1];
        StreamObserver<DeltaDiscoveryRequest> delta = AggregatedDiscoveryServiceGrpc.newStub(channel())
                .deltaAggregatedResources(new StreamObserver<DeltaDiscoveryResponse>() {
                    @Override
                    public void onNext(DeltaDiscoveryResponse value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        error[0] = t;
                        failed.countDown();
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        delta.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(SE_V1).build());
        assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Status.fromThrowable(error[0]).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void aStalledStreamNeitherBlocksOthersNorQueuesOldVersions() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "v0", 50, 2000);
        // A client that reads one response and then never asks for more.
        BlockingQueue<DiscoveryResponse> stalledReceived = new LinkedBlockingQueue<>();
        ClientCallStreamObserver<DiscoveryRequest>[] stalledRequests = new ClientCallStreamObserver[1];
        AggregatedDiscoveryServiceGrpc.newStub(channel()).streamAggregatedResources(
                new ClientResponseObserver<DiscoveryRequest, DiscoveryResponse>() {
                    ClientCallStreamObserver<DiscoveryRequest> requestStream;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requestStream) {
                        this.requestStream = requestStream;
                        stalledRequests[0] = requestStream;
                        requestStream.disableAutoRequestWithInitial(1);
                    }

                    @Override
                    public void onNext(DiscoveryResponse value) {
                        stalledReceived.add(value);
                        requestStream.onNext(DiscoveryRequest.newBuilder().setTypeUrl(value.getTypeUrl())
                                .setResponseNonce(value.getNonce()).build());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        stalledRequests[0].onNext(DiscoveryRequest.newBuilder().setTypeUrl(SE_V1).setResponseNonce("t").build());
        assertThat(stalledReceived.poll(5, TimeUnit.SECONDS)).isNotNull();

        AckingClient healthy = new AckingClient(channel()).subscribe(List.of(SE_V1));
        healthy.next(SE_V1);
        for (int v = 1; v <= 50; v++) {
            publish(cache, "v" + v, 50, 2000);
            String expected = "v" + v;
            DiscoveryResponse r = healthy.next(SE_V1);
            while (!r.getVersionInfo().equals(expected)) {
                r = healthy.next(SE_V1);
            }
        }
        // The stalled client now reads again: at most the one response already in flight when it stalled,
        // then the latest state; never the 50 versions it missed.
        stalledRequests[0].request(100);
        List<String> caughtUp = new ArrayList<>();
        while (caughtUp.isEmpty() || !caughtUp.get(caughtUp.size() - 1).equals("v50")) {
            DiscoveryResponse r = stalledReceived.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("caught up with v50; got " + caughtUp).isNotNull();
            caughtUp.add(r.getVersionInfo());
        }
        assertThat(caughtUp).hasSizeLessThanOrEqualTo(2);
        // Nothing else was owed: the next response is the next version.
        publish(cache, "v51", 1, 10);
        DiscoveryResponse next = stalledReceived.poll(10, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        assertThat(next.getVersionInfo()).isEqualTo("v51");
    }

    @Test
    void aThirtyMegabyteResponseGoesThrough() throws Exception {
        start(McpServerOptions.builder());
        publish(cache, "big", 3000, 10_000);
        AckingClient client = new AckingClient(channel()).subscribe(List.of(SE_V1));
        DiscoveryResponse r = client.next(SE_V1);
        assertThat(r.getResourcesCount()).isEqualTo(3000);
        assertThat(r.getSerializedSize()).isGreaterThan(30_000_000);
    }

    @Test
    void servesTlsWhenGivenACertificateAndKey() throws Exception {
        File cert = copy("server1.pem");
        File key = copy("server1.key");
        start(McpServerOptions.builder().tls(cert.getPath(), key.getPath()));
        publish(cache, "v1", 1, 10);
        ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .overrideAuthority("foo.test.google.fr")
                .sslContext(GrpcSslContexts.forClient().trustManager(TlsTesting.loadCert("ca.pem")).build()).build();
        channels.add(tls);
        AckingClient client = new AckingClient(tls).subscribe(List.of(SE_V1));
        assertThat(client.next(SE_V1).getVersionInfo()).isEqualTo("v1");

        AckingClient plaintext = new AckingClient(channel()).subscribe(List.of(SE_V1));
        assertThat(plaintext.awaitEnd()).as("a plaintext client fails on the TLS port").isNotNull();
        assertThat(plaintext.received).isEmpty();
    }

    @Test
    void aPortInUseFailsWithAMessageNamingIt() throws Exception {
        start(McpServerOptions.builder());
        McpServer second = new McpServer(McpServerOptions.builder().bindAddress("127.0.0.1").port(server.port())
                .build(), cache, metrics);
        assertThatThrownBy(second::start).hasMessageContaining("127.0.0.1:" + server.port())
                .hasMessageContaining("already in use");
    }

    /** Waits until the only stream's state of the type satisfies the condition; returns that state. */
    private StreamInfo.TypeInfo awaitType(String typeUrl, Predicate<StreamInfo.TypeInfo> condition, String what)
            throws Exception {
        StreamInfo.TypeInfo[] found = new StreamInfo.TypeInfo[1];
        Await.until(() -> {
            List<StreamInfo> streams = server.streams();
            found[0] = streams.size() != 1 ? null : streams.get(0).types.stream()
                    .filter(t -> t.typeUrl.equals(typeUrl) && condition.test(t)).findFirst().orElse(null);
            return found[0] != null;
        }, what);
        return found[0];
    }

    private static File copy(String resource) throws Exception {
        File file = File.createTempFile("tls", resource);
        file.deleteOnExit();
        try (InputStream in = TlsTesting.loadCert(resource)) {
            Files.copy(in, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
