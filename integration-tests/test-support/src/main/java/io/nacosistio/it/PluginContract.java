package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.nacosistio.it.IstiodLikeClient.Received;
import istio.mcp.v1alpha1.ResourceOuterClass.Resource;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;
import istio.networking.v1alpha3.WorkloadEntryOuterClass.WorkloadEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the drop-in jar must do inside any Nacos: instances registered with the real Nacos client over
 * gRPC, observed through an istiod-like MCP client decoding with Istio's own classes. Each Nacos version
 * has a subclass that boots it in-process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedNacosExtension.class)
public abstract class PluginContract implements NacosLauncher.Provider {

    private static final String SE_V1 = "networking.istio.io/v1/ServiceEntry";
    private static final long QUIET_MILLIS = SharedNacos.QUIET_MILLIS;

    private NacosUnderTest nacos;
    private NamingService naming;
    private int mcpPort;
    private int debugPort;
    private final List<IstiodLikeClient> clients = new ArrayList<>();

    @BeforeAll
    void connectToNacos(SharedNacos shared) throws Exception {
        nacos = shared.nacos();
        mcpPort = shared.mcpPort();
        debugPort = shared.debugPort();
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        naming = NamingFactory.createNamingService(props);
    }

    @AfterAll
    void disconnectFromNacos() throws Exception {
        if (naming != null) {
            naming.shutDown();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(IstiodLikeClient::close);
        clients.clear();
    }

    private IstiodLikeClient connect(int keepAliveSeconds) {
        IstiodLikeClient client = IstiodLikeClient.connect("127.0.0.1", mcpPort, keepAliveSeconds);
        clients.add(client);
        return client;
    }

    @Test
    void everyKindIsAnsweredWithinOneSecondOfConnecting() throws Exception {
        for (List<String> types : List.of(IstiodLikeClient.ISTIO_124_TYPES, IstiodLikeClient.ISTIO_120_TYPES)) {
            IstiodLikeClient client = connect(0).subscribe(types);
            client.awaitAll(types, 5_000);
            List<String> withMesh = new ArrayList<>(types);
            withMesh.add(IstiodLikeClient.MESH_CONFIG);
            client.awaitAll(withMesh, 5_000);
            long slowest = client.history().stream().mapToLong(Received::nanoTime).max().orElseThrow()
                    - client.connectedAtNanos();
            System.out.printf("all %d kinds answered %d ms after connecting%n", withMesh.size(),
                    TimeUnit.NANOSECONDS.toMillis(slowest));
            assertThat(slowest).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(client.latest(IstiodLikeClient.MESH_CONFIG).orElseThrow().resources()).isEmpty();
        }
    }

    @Test
    void aRegisteredServiceArrivesAsTheExpectedServiceEntry() throws Exception {
        Instance a = instance("10.10.0.1", 9090, 2.6, Map.of("protocol", "grpc", "version", "v1",
                "topology.kubernetes.io/region", "cn-north", "topology.kubernetes.io/zone", "zone-a",
                "bad label!", "dropped"));
        Instance b = instance("10.10.0.2", 9091, 0.4, Map.of("protocol", "grpc", "version", "v2"));
        // One Nacos client holds one instance per service; several go through a batch registration.
        naming.batchRegisterInstance("payment-api", "TRADE_GROUP", List.of(a, b));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        String name = "public/payment-api.trade-group-" ;
        Received state = client.awaitState(SE_V1, r -> seNamed(r, "payment-api")
                .map(se -> se.getEndpointsCount() == 2).orElse(false), 5_000);
        Resource resource = state.resources().stream()
                .filter(r -> r.getMetadata().getName().startsWith(name)).findFirst().orElseThrow();
        assertThat(resource.getMetadata().getAnnotationsMap())
                .containsEntry("nacos.io/service", "payment-api").containsEntry("nacos.io/group", "TRADE_GROUP")
                .containsEntry("nacos.io/namespace", "public");
        assertThat(resource.getMetadata().getVersion()).isNotEmpty();
        assertThat(resource.getMetadata().hasCreateTime()).isTrue();
        ServiceEntry se = resource.getBody().unpack(ServiceEntry.class);
        assertThat(se.getHostsList()).containsExactly("payment-api.trade-group.public.nacos");
        assertThat(se.getLocation()).isEqualTo(ServiceEntry.Location.MESH_INTERNAL);
        assertThat(se.getResolution()).isEqualTo(ServiceEntry.Resolution.STATIC);
        assertThat(se.getPortsCount()).isEqualTo(1);
        assertThat(se.getPorts(0).getNumber()).isEqualTo(9090);
        assertThat(se.getPorts(0).getProtocol()).isEqualTo("GRPC");
        assertThat(se.getPorts(0).getName()).isEqualTo("grpc-9090");
        WorkloadEntry first = se.getEndpoints(0);
        WorkloadEntry second = se.getEndpoints(1);
        assertThat(first.getAddress()).isEqualTo("10.10.0.1");
        assertThat(first.getWeight()).isEqualTo(260);
        assertThat(first.getPortsMap()).isEmpty();
        assertThat(first.getLocality()).isEqualTo("cn-north/zone-a");
        assertThat(first.getLabelsMap()).containsEntry("version", "v1").containsEntry("nacos.io/cluster", "DEFAULT")
                .doesNotContainKey("bad label!");
        assertThat(second.getAddress()).isEqualTo("10.10.0.2");
        assertThat(second.getWeight()).isEqualTo(40);
        assertThat(second.getPortsMap()).containsEntry("grpc-9090", 9091);
    }

    @Test
    void aChangeReachesTheClientWithinTheQuietPeriodPlus100Ms() throws Exception {
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 5_000);
        List<Long> latencies = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            String ip = "10.20.0." + i;
            naming.registerInstance("latency-probe", instance(ip, 8080, 1, Map.of()));
            long registered = System.nanoTime();
            Received r = client.awaitState(SE_V1, s -> seNamed(s, "latency-probe")
                    .map(se -> se.getEndpointsList().stream().anyMatch(e -> e.getAddress().equals(ip)))
                    .orElse(false), 5_000);
            latencies.add(TimeUnit.NANOSECONDS.toMillis(r.nanoTime() - registered));
        }
        List<Long> measured = new ArrayList<>(latencies.subList(2, latencies.size()));
        Collections.sort(measured);
        System.out.printf("change -> delivery latencies (ms, after 2 warm-up changes): %s%n", measured);
        long p50 = measured.get(measured.size() / 2);
        assertThat(p50).isLessThanOrEqualTo(QUIET_MILLIS + 100);
        assertThat(measured.get(measured.size() - 2)).isLessThanOrEqualTo(QUIET_MILLIS + 100);
    }

    @Test
    void unchangedResourcesKeepTheirVersionAndAChangedOneGetsANewOne() throws Exception {
        naming.registerInstance("stable-svc", instance("10.30.0.1", 8080, 1, Map.of()));
        naming.registerInstance("moving-svc", instance("10.30.0.2", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        Received before = client.awaitState(SE_V1, r -> seNamed(r, "stable-svc").isPresent()
                && seNamed(r, "moving-svc").isPresent(), 5_000);
        naming.registerInstance("moving-svc", instance("10.30.0.2", 8080, 5, Map.of()));
        Received after = client.awaitState(SE_V1, r -> seNamed(r, "moving-svc")
                .map(se -> se.getEndpoints(0).getWeight() == 500).orElse(false), 5_000);
        assertThat(version(after, "stable-svc")).isEqualTo(version(before, "stable-svc"));
        assertThat(version(after, "moving-svc")).isNotEqualTo(version(before, "moving-svc"));
        assertThat(createTime(after, "moving-svc")).isEqualTo(createTime(before, "moving-svc"));
        assertThat(after.version()).isNotEqualTo(before.version());
    }

    @Test
    void deregisteringEmptiesTheServiceEntryAndDeletingTheServiceRemovesIt() throws Exception {
        Instance only = instance("10.40.0.1", 8080, 1, Map.of());
        naming.registerInstance("short-lived", only);
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitState(SE_V1, r -> seNamed(r, "short-lived").map(se -> se.getEndpointsCount() == 1)
                .orElse(false), 5_000);
        naming.deregisterInstance("short-lived", only);
        client.awaitState(SE_V1, r -> seNamed(r, "short-lived").map(se -> se.getEndpointsCount() == 0)
                .orElse(false), 5_000);
        HttpResponse<String> deleted = new NacosAdmin(nacos).deleteService("public", "DEFAULT_GROUP", "short-lived");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        // Nacos raises no event for this deletion; the naming source's catalog check notices it.
        client.awaitState(SE_V1, r -> seNamed(r, "short-lived").isEmpty(), 5_000);
    }

    @Test
    void aDisconnectedNacosClientsInstancesDisappear() throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        NamingService other = NamingFactory.createNamingService(props);
        naming.registerInstance("shared-svc", instance("10.45.0.1", 8080, 1, Map.of()));
        other.registerInstance("shared-svc", instance("10.45.0.2", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitState(SE_V1, r -> seNamed(r, "shared-svc").map(se -> se.getEndpointsCount() == 2)
                .orElse(false), 5_000);
        other.shutDown();
        Received after = client.awaitState(SE_V1, r -> seNamed(r, "shared-svc").map(se -> se.getEndpointsCount() == 1)
                .orElse(false), 10_000);
        assertThat(seNamed(after, "shared-svc").orElseThrow().getEndpoints(0).getAddress()).isEqualTo("10.45.0.1");
    }

    @Test
    void aServiceLeavingTheSelectionIsRemovedAndDebugSkippedNamesTheRule() throws Exception {
        naming.registerInstance("opting-out", instance("10.47.0.1", 8080, 1, Map.of()));
        naming.registerInstance("kept-out", SharedNacos.EXCLUDED_GROUP, instance("10.47.0.2", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        Received served = client.awaitState(SE_V1, r -> seNamed(r, "opting-out").isPresent(), 5_000);
        NacosAdmin admin = new NacosAdmin(nacos);
        admin.updateInstance("public", "DEFAULT_GROUP", "opting-out", "10.47.0.1", 8080, 1, true,
                "{\"istio.mesh\":\"false\"}");
        client.awaitState(SE_V1, r -> seNamed(r, "opting-out").isEmpty(), 5_000);
        String skipped = awaitDebug("/debug/skipped", "kept-out");
        assertThat(skipped).contains("opting-out").contains("not selected: every instance has metadata istio.mesh=false")
                .contains("kept-out").contains("not selected: group '" + SharedNacos.EXCLUDED_GROUP
                        + "' matches nacos.mesh.selector.groups.exclude pattern '" + SharedNacos.EXCLUDED_GROUP_PATTERN
                        + "'");
        assertThat(seNamed(client.latest(SE_V1).orElseThrow(), "kept-out")).isEmpty();

        admin.updateInstance("public", "DEFAULT_GROUP", "opting-out", "10.47.0.1", 8080, 1, true, "{}");
        Received back = client.awaitState(SE_V1, r -> seNamed(r, "opting-out").isPresent(), 5_000);
        // Back in the selection it is served as before: the creation time is fixed, the same on every node.
        assertThat(createTime(back, "opting-out")).isEqualTo(createTime(served, "opting-out"));
        assertThat(get("/debug/skipped")).doesNotContain("opting-out");
    }

    @Test
    void aliasesAddHostsAndAnAliasTakingAnotherServicesHostIsRefusedWithTheReason() throws Exception {
        naming.registerInstance("alias-owner", instance("10.48.0.1", 8080, 1, Map.of()));
        naming.registerInstance("alias-thief", instance("10.48.0.2", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitState(SE_V1, r -> seNamed(r, "alias-owner").isPresent() && seNamed(r, "alias-thief").isPresent(),
                5_000);
        NacosAdmin admin = new NacosAdmin(nacos);
        // The service metadata an operator sets in the console (Nacos's service-update API).
        admin.updateService("public", "DEFAULT_GROUP", "alias-owner", 0,
                "{\"istio.aliases\":\"orders.shop.example, Orders.Legacy.Example\"}");
        client.awaitState(SE_V1, r -> seNamed(r, "alias-owner").map(se -> se.getHostsList().equals(List.of(
                "alias-owner.default-group.public.nacos", "orders.shop.example", "orders.legacy.example")))
                .orElse(false), 5_000);

        admin.updateService("public", "DEFAULT_GROUP", "alias-thief", 0,
                "{\"istio.aliases\":\"alias-owner.default-group.public.nacos\"}");
        Received refused = client.awaitState(SE_V1, r -> seNamed(r, "alias-thief").isEmpty(), 5_000);
        assertThat(seNamed(refused, "alias-owner")).isPresent();
        assertThat(awaitDebug("/debug/skipped", "alias-thief")).contains("alias alias-owner.default-group.public.nacos "
                + "is the host of service public/DEFAULT_GROUP/alias-owner; an alias never takes another service's host");

        admin.updateService("public", "DEFAULT_GROUP", "alias-thief", 0, "{\"istio.aliases\":\"thief.example\"}");
        client.awaitState(SE_V1, r -> seNamed(r, "alias-thief").map(se -> se.getHostsList().contains("thief.example"))
                .orElse(false), 5_000);
    }

    @Test
    void disablingAnInstanceThroughTheConsoleApiRemovesItsEndpoint() throws Exception {
        naming.registerInstance("toggled-svc", instance("10.46.0.1", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitState(SE_V1, r -> seNamed(r, "toggled-svc").map(se -> se.getEndpointsCount() == 1)
                .orElse(false), 5_000);
        new NacosAdmin(nacos).updateInstance("public", "DEFAULT_GROUP", "toggled-svc", "10.46.0.1", 8080, 1, false,
                "{}");
        client.awaitState(SE_V1, r -> seNamed(r, "toggled-svc").map(se -> se.getEndpointsCount() == 0)
                .orElse(false), 5_000);
    }

    @Test
    void servicesOfEveryNamespaceAreServedUnderTheirOwnIstioNamespace() throws Exception {
        nacos.createNamespace("team-blue");
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        props.put(PropertyKeyConst.NAMESPACE, "team-blue");
        NamingService blue = NamingFactory.createNamingService(props);
        try {
            blue.registerInstance("orders", instance("10.47.0.1", 8080, 1, Map.of()));
            naming.registerInstance("orders", instance("10.47.0.2", 8080, 1, Map.of()));
            IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
            Received r = client.awaitState(SE_V1, s -> names(s).contains("team-blue/orders.default-group")
                    && names(s).contains("public/orders.default-group"), 5_000);
            ServiceEntry blueEntry = IstiodLikeClient.resource(r, "team-blue/orders.default-group").orElseThrow()
                    .getBody().unpack(ServiceEntry.class);
            assertThat(blueEntry.getHostsList()).containsExactly("orders.default-group.team-blue.nacos");
            assertThat(blueEntry.getEndpoints(0).getAddress()).isEqualTo("10.47.0.1");
        } finally {
            blue.shutDown();
        }
    }

    @Test
    void aReconnectingClientGetsTheFullState() throws Exception {
        naming.registerInstance("reconnect-a", instance("10.50.0.1", 8080, 1, Map.of()));
        naming.registerInstance("reconnect-b", instance("10.50.0.2", 8080, 1, Map.of()));
        IstiodLikeClient first = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        Received seen = first.awaitState(SE_V1, r -> seNamed(r, "reconnect-a").isPresent()
                && seNamed(r, "reconnect-b").isPresent(), 5_000);
        first.close();
        IstiodLikeClient second = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        Received again = second.awaitState(SE_V1, r -> true, 5_000);
        assertThat(names(again)).containsAll(names(seen));
    }

    @Test
    void aNackIsRecordedAndNeitherClosesTheStreamNorLoops() throws Exception {
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 5_000);
        client.nackNext(SE_V1);
        naming.registerInstance("nacked-svc", instance("10.60.0.1", 8080, 1, Map.of()));
        Received nacked = client.awaitState(SE_V1, r -> seNamed(r, "nacked-svc").isPresent(), 5_000);
        Thread.sleep(500);
        long resends = client.history().stream()
                .filter(r -> r.typeUrl().equals(SE_V1) && r.version().equals(nacked.version())).count();
        assertThat(resends).isEqualTo(1);
        naming.registerInstance("after-nack", instance("10.60.0.2", 8080, 1, Map.of()));
        client.awaitState(SE_V1, r -> seNamed(r, "after-nack").isPresent(), 5_000);
        assertThat(client.streamEnded()).isFalse();
        String streams = get("/debug/streams");
        assertThat(streams).contains("rejected by the test");
    }

    @Test
    void aStaleNonceIsIgnored() throws Exception {
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 5_000);
        String version = client.latest(SE_V1).orElseThrow().version();
        client.sendStale(SE_V1, "not-a-nonce-we-sent");
        Thread.sleep(300);
        // A stale request neither re-sends the current set nor disturbs the stream.
        assertThat(client.history().stream().filter(r -> r.typeUrl().equals(SE_V1) && r.version().equals(version)))
                .hasSize(1);
        assertThat(client.streamEnded()).isFalse();
        assertThat(get("/metrics")).containsPattern("nacos_mesh_mcp_stale_requests_total [1-9]");
    }

    /**
     * The plugin's counters and gauges are in Nacos's own meter registry: Nacos's Prometheus endpoint shows them
     * under the debug port's names and with its values, beside Nacos's and the JVM's metrics.
     */
    @Test
    void thePluginsMetricsAreInNacossPrometheusEndpointBesideNacossOwn() throws Exception {
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 5_000);
        naming.registerInstance("metrics-svc", instance("10.75.0.1", 8080, 1, Map.of()));
        client.awaitState(SE_V1, r -> seNamed(r, "metrics-svc").isPresent(), 5_000);

        double before = metricValue(get("/metrics"), "nacos_mesh_mcp_responses_total");
        String scraped = prometheus();
        double after = metricValue(get("/metrics"), "nacos_mesh_mcp_responses_total");
        double inNacos = metricValue(scraped, "nacos_mesh_mcp_responses_total");
        assertThat(inNacos).isPositive().isBetween(before, after);
        assertThat(metricValue(scraped, "nacos_mesh_mcp_streams")).isGreaterThanOrEqualTo(1);
        for (String name : List.of("nacos_mesh_registry_reads_total", "nacos_mesh_serviceentry_conversions_total",
                "nacos_mesh_mcp_connections_refused_total", "nacos_mesh_config_documents",
                "nacos_mesh_skipped_services")) {
            assertThat(scraped).as(name).containsPattern("(?m)^" + name + "[ {]");
        }
        assertThat(scraped).as("Nacos's own metrics").containsPattern("(?m)^nacos_(?!mesh_)\\w+[ {]");
        assertThat(scraped).as("the JVM's").containsPattern("(?m)^jvm_memory_used_bytes\\{");
        // Label values (namespaces) are brought up to date every few seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!prometheus().contains("nacos_mesh_serviceentries{") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(prometheus()).containsPattern("nacos_mesh_serviceentries\\{.*namespace=\"public\"");
    }

    /**
     * A standalone Nacos holds all of its data when the plugin starts: the readiness gate is open from the
     * start (no wait), and says so with every part in {@code /debug/readiness}, on the debug port's metrics
     * and in Nacos's Prometheus endpoint.
     */
    @Test
    void onAStandaloneNacosTheReadinessGateIsOpenFromTheStartAndReportsEveryPart() throws Exception {
        String readiness = get("/debug/readiness");
        assertThat(readiness).contains("\"state\": \"OPEN\"").contains("\"answering\": true")
                .contains("\"waitedMillis\": 0").contains("\"timedOut\": false").contains("\"maxWaitMillis\": 120000");
        for (String part : List.of("naming-ephemeral", "naming-persistent", "config")) {
            assertThat(readiness).containsPattern("\"part\": \"" + part + "\",\\s*\"state\": \"READY\"");
        }
        assertThat(readiness).contains("standalone").doesNotContain("NOT_READY").doesNotContain("UNKNOWN");

        String metrics = get("/metrics");
        assertThat(metricValue(metrics, "nacos_mesh_readiness_waiting")).isZero();
        assertThat(metricValue(metrics, "nacos_mesh_readiness_wait_seconds")).isZero();
        assertThat(metricValue(metrics, "nacos_mesh_readiness_timed_out")).isZero();
        assertThat(metrics).contains("nacos_mesh_readiness_part_ready{part=\"naming-ephemeral\"} 1")
                .contains("nacos_mesh_readiness_part_ready{part=\"config\"} 1");

        String scraped = prometheus();
        assertThat(metricValue(scraped, "nacos_mesh_readiness_waiting")).isZero();
        assertThat(metricValue(scraped, "nacos_mesh_readiness_timed_out")).isZero();
        assertThat(scraped).containsPattern("(?m)^nacos_mesh_readiness_wait_seconds[ {]");
        // Label values are registered with Nacos's registry every few seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!prometheus().contains("nacos_mesh_readiness_part_ready{") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(prometheus()).containsPattern("nacos_mesh_readiness_part_ready\\{.*part=\"naming-persistent\".*\\} 1");
    }

    /**
     * {@code bin/mesh-status}, run as operators run it against this plugin's debug port, lists the connected
     * client with its kinds SYNCED at the version it ACKed, a NACKed kind as NACKED with the message, and a
     * skipped service with its reason.
     */
    @Test
    void meshStatusPrintsEachIstiodsVersionsPerKindAndTheSkippedServices() throws Exception {
        Map<String, String> badPort = Map.of("istio.port", "not-a-port");
        naming.registerInstance("status-skipped", instance("10.76.0.1", 8080, 1, badPort));
        naming.registerInstance("status-served", instance("10.76.0.2", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 5_000);
        client.awaitState(SE_V1, r -> seNamed(r, "status-served").isPresent(), 5_000);
        String vsVersion = client.latest("networking.istio.io/v1/VirtualService").orElseThrow().version();
        // Every ServiceEntry response from here on is NACKed: one registration may reach the client in more than
        // one response (Nacos publishes it as several events), and the last one is what the status shows.
        client.nackEvery(SE_V1);
        naming.registerInstance("status-nacked", instance("10.76.0.3", 8080, 1, Map.of()));
        client.awaitState(SE_V1, r -> seNamed(r, "status-nacked").map(se -> se.getEndpointsCount() == 1).orElse(false),
                5_000);
        // Other services of the shared Nacos may still change (clients of earlier tests leaving): the status is
        // judged against the version last sent, taken again if another response came while the command ran.
        String nacked = null;
        String output = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            nacked = client.latest(SE_V1).orElseThrow().version();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String streams = get("/debug/streams");
            while (!(streams.contains("rejected by the test") && streams.contains(nacked))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
                streams = get("/debug/streams");
            }
            output = meshStatus();
            if (client.latest(SE_V1).orElseThrow().version().equals(nacked)) {
                break;
            }
        }
        System.out.println("bin/mesh-status:\n" + output);
        assertThat(output).startsWith("Readiness: answering istiod (data complete at start)");
        assertThat(output).containsPattern("(?m)^ISTIOD\\s+PEER\\s+KIND\\s+STATUS\\s+SENT\\s+ACKED\\s+NACKED$");
        assertThat(output).containsPattern("networking\\.istio\\.io/v1/VirtualService\\s+SYNCED\\s+"
                + java.util.regex.Pattern.quote(vsVersion) + "\\s+" + java.util.regex.Pattern.quote(vsVersion));
        assertThat(output).containsPattern("networking\\.istio\\.io/v1/ServiceEntry\\s+NACKED\\s+"
                + java.util.regex.Pattern.quote(nacked) + "\\s+\\S+\\s+" + java.util.regex.Pattern.quote(nacked));
        assertThat(output).contains("NACK from").contains("rejected by the test");
        assertThat(output).containsPattern("public/DEFAULT_GROUP/status-skipped: .*istio\\.port");
        assertThat(output).doesNotContain("status-served:");
    }

    /** Runs {@code bin/mesh-status} as operators run it against this plugin's debug port; it must exit with 0. */
    private String meshStatus() throws Exception {
        java.io.File jar = new java.io.File(Class.forName("io.nacosistio.plugin.spring.MeshMcpAutoConfiguration")
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        // Tests run in their module's directory, two levels below the checkout.
        java.nio.file.Path script = java.nio.file.Paths.get("../../bin/mesh-status").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "http://127.0.0.1:" + debugPort)
                .redirectErrorStream(true);
        builder.environment().put("MESH_PLUGIN_JAR", jar.getPath());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private String prometheus() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + nacos.httpPort() + "/nacos/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("/nacos/actuator/prometheus: " + response.body()).isEqualTo(200);
        return response.body();
    }

    /** The value of the first sample of {@code name} (any labels) in Prometheus text. */
    private static double metricValue(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " in:\n" + text);
    }

    @Test
    void aServiceWithTwoThousandInstancesArrivesWhole() throws Exception {
        List<Instance> batch = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            batch.add(instance("10.70." + (i / 250) + "." + (i % 250 + 1), 8080, 1, Map.of("zone", "z" + i % 3)));
        }
        naming.batchRegisterInstance("big-svc", "DEFAULT_GROUP", batch);
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        Received r = client.awaitState(SE_V1, s -> seNamed(s, "big-svc").map(se -> se.getEndpointsCount() == 2000)
                .orElse(false), 15_000);
        assertThat(seNamed(r, "big-svc").orElseThrow().getEndpointsList())
                .extracting(WorkloadEntry::getAddress).doesNotHaveDuplicates();
    }

    @Test
    void thePluginLoadsBesideNacossBuiltInIstioModuleWithoutClashes() throws Exception {
        // Nacos's own generated MCP Resource (built-in istio module, Nacos's protobuf) and the plugin's, built
        // on the relocated protobuf, are two distinct classes that both load in Nacos's class loader.
        Class<?> nacosResource = Class.forName("istio.mcp.v1alpha1.ResourceOuterClass$Resource");
        Class<?> pluginResource = Class.forName("io.nacosistio.proto.istio.mcp.v1alpha1.Resource");
        assertThat(nacosResource.getSuperclass().getName()).startsWith("com.google.protobuf.");
        assertThat(pluginResource.getSuperclass().getName()).startsWith("io.nacosistio.shaded.com.google.protobuf.");
        assertThat(Class.forName("io.nacosistio.shaded.io.grpc.Server").getClassLoader())
                .isSameAs(Class.forName("io.grpc.Server").getClassLoader());
        // Nacos still serves its own clients: naming over its gRPC port, and the config center.
        naming.registerInstance("nacos-still-works", instance("10.80.0.1", 8080, 1, Map.of()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (naming.getAllInstances("nacos-still-works").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(naming.getAllInstances("nacos-still-works")).hasSize(1);
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        ConfigService config = ConfigFactory.createConfigService(props);
        try {
            assertThat(config.publishConfig("still-works.yaml", "DEFAULT_GROUP", "answer: 42")).isTrue();
            long configDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String read = config.getConfig("still-works.yaml", "DEFAULT_GROUP", 3_000);
            while (!"answer: 42".equals(read) && System.nanoTime() < configDeadline) {
                Thread.sleep(50);
                read = config.getConfig("still-works.yaml", "DEFAULT_GROUP", 3_000);
            }
            assertThat(read).isEqualTo("answer: 42");
        } finally {
            config.shutDown();
        }
        assertThat(get("/metrics")).contains("nacos_mesh_mcp_streams");
    }

    @Test
    void everyServiceEntryGetsItsOwnVipFromThePoolKeptInNacosConfig() throws Exception {
        naming.registerInstance("vip-alpha", instance("10.110.0.1", 8080, 1, Map.of()));
        naming.registerInstance("vip-beta", instance("10.110.0.2", 8080, 1, Map.of()));
        // A host-name endpoint: resolution DNS gets a VIP too.
        naming.registerInstance("vip-dns", instance("vip-dns.example.com", 8080, 1, Map.of()));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        Received state = client.awaitState(SE_V1, r -> java.util.stream.Stream.of("vip-alpha", "vip-beta", "vip-dns")
                .allMatch(s -> seNamed(r, s).map(se -> se.getAddressesCount() == 1).orElse(false)), 5_000);
        ServiceEntry alpha = seNamed(state, "vip-alpha").orElseThrow();
        ServiceEntry beta = seNamed(state, "vip-beta").orElseThrow();
        ServiceEntry dns = seNamed(state, "vip-dns").orElseThrow();
        assertThat(dns.getResolution()).isEqualTo(ServiceEntry.Resolution.DNS);
        // Unique across every served ServiceEntry, and inside the default pool (not istiod's 240.240.0.0/16).
        List<String> all = new ArrayList<>();
        for (Resource r : state.resources()) {
            all.addAll(r.getBody().unpack(ServiceEntry.class).getAddressesList());
        }
        assertThat(all).doesNotHaveDuplicates();
        for (ServiceEntry se : List.of(alpha, beta, dns)) {
            assertThat(se.getAddresses(0)).startsWith("240.241.");
        }
        String versionBefore = version(state, "vip-alpha");

        // The table lives in Nacos config: the real config client reads it.
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        ConfigService config = ConfigFactory.createConfigService(props);
        try {
            // Nacos serves a config read from its dump cache, refreshed shortly after a write: wait for it.
            List<String> lines = List.of(alpha.getAddresses(0) + " vip-alpha.default-group.public.nacos\n",
                    beta.getAddresses(0) + " vip-beta.default-group.public.nacos\n",
                    dns.getAddresses(0) + " vip-dns.default-group.public.nacos\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String table = config.getConfig("service-addresses", "nacos-mesh", 3_000);
            while (!containsAll(table, lines) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                table = config.getConfig("service-addresses", "nacos-mesh", 3_000);
            }
            assertThat(table).contains(lines);
        } finally {
            config.shutDown();
        }

        // An instance change keeps the address (and only the endpoints change).
        naming.registerInstance("vip-alpha", instance("10.110.0.3", 8080, 1, Map.of()));
        Received changed = client.awaitState(SE_V1, r -> seNamed(r, "vip-alpha")
                .map(se -> se.getEndpointsList().stream().anyMatch(e -> e.getAddress().equals("10.110.0.3")))
                .orElse(false), 5_000);
        assertThat(seNamed(changed, "vip-alpha").orElseThrow().getAddressesList()).isEqualTo(alpha.getAddressesList());
        assertThat(version(changed, "vip-alpha")).isNotEqualTo(versionBefore);
        assertThat(get("/debug/addresses")).contains("\"status\": \"on\"").contains(alpha.getAddresses(0));
        assertThat(get("/metrics")).contains("nacos_mesh_address_pool_used{pool=\"240.241.0.0/16\"}");
    }

    @Test
    void anAddressOverrideIsServedAndACollidingOneIsRefusedWithItsReason() throws Exception {
        naming.registerInstance("vip-chosen", instance("10.111.0.1", 8080, 1,
                Map.of("istio.addresses", "10.250.0.7")));
        IstiodLikeClient client = connect(0).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitState(SE_V1, r -> seNamed(r, "vip-chosen")
                .map(se -> se.getAddressesList().equals(List.of("10.250.0.7"))).orElse(false), 5_000);
        naming.registerInstance("vip-copycat", instance("10.111.0.2", 8080, 1,
                Map.of("istio.addresses", "10.250.0.7")));
        Received state = client.awaitState(SE_V1, r -> seNamed(r, "vip-copycat")
                .map(se -> se.getEndpointsCount() == 1).orElse(false), 5_000);
        assertThat(seNamed(state, "vip-copycat").orElseThrow().getAddressesList())
                .as("served, without the address another host has").isEmpty();
        assertThat(seNamed(state, "vip-chosen").orElseThrow().getAddressesList()).containsExactly("10.250.0.7");
        String skipped = get("/debug/skipped");
        assertThat(skipped).contains("vip-copycat")
                .contains("10.250.0.7 is already the chosen address of vip-chosen.default-group.public.nacos");
        assertThat(get("/metrics")).containsPattern("nacos_mesh_services_without_address [1-9]");
    }

    @Test
    void theStreamSurvives35SecondsIdleWithTenSecondClientKeepalive() throws Exception {
        IstiodLikeClient client = connect(10).subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 5_000);
        Thread.sleep(35_000);
        assertThat(client.errors()).isEmpty();
        naming.registerInstance("after-idle", instance("10.90.0.1", 8080, 1, Map.of()));
        client.awaitState(SE_V1, r -> seNamed(r, "after-idle").isPresent(), 5_000);
        assertThat(client.streamEnded()).isFalse();
    }

    /** Polls a debug page until it contains {@code fragment} (5 s at most); returns the page. */
    private String awaitDebug(String path, String fragment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String page = get(path);
        while (!page.contains(fragment) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            page = get(path);
        }
        assertThat(page).as(path).contains(fragment);
        return page;
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + debugPort + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static java.util.Optional<ServiceEntry> seNamed(Received r, String service) {
        return r.resources().stream()
                .filter(x -> service.equals(x.getMetadata().getAnnotationsMap().get("nacos.io/service")))
                .findFirst().map(x -> {
                    try {
                        return x.getBody().unpack(ServiceEntry.class);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private static Resource byService(Received r, String service) {
        return r.resources().stream()
                .filter(x -> service.equals(x.getMetadata().getAnnotationsMap().get("nacos.io/service")))
                .findFirst().orElseThrow();
    }

    private static String version(Received r, String service) {
        return byService(r, service).getMetadata().getVersion();
    }

    private static com.google.protobuf.Timestamp createTime(Received r, String service) {
        return byService(r, service).getMetadata().getCreateTime();
    }

    private static List<String> names(Received r) {
        return r.resources().stream().map(x -> x.getMetadata().getName()).toList();
    }

    private static boolean containsAll(String text, List<String> parts) {
        return text != null && parts.stream().allMatch(text::contains);
    }
}
