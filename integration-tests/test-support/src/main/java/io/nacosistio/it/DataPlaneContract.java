package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.nacosistio.it.dataplane.MeshApps;
import io.nacosistio.it.dataplane.SidecarXds;
import io.nacosistio.it.istiod.Istiod;
import io.nacosistio.it.istiod.IstiodBinary;
import io.nacosistio.it.istiod.IstiodConfig;
import io.nacosistio.it.istiod.IstiodMetrics;
import io.nacosistio.it.istiod.IstiodOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What the data plane gets from Nacos through a real istiod (the pin chosen by {@code -Distiod.version}): a client
 * connected to istiod's plaintext xDS port as a sidecar with DNS capture asserts the clusters, endpoints, routes
 * and name table istiod generates from Nacos services and Nacos config, how fast a registry change reaches its
 * endpoints, and from istiod's own metrics which changes cost a full push; then real gRPC servers that register
 * themselves in Nacos are called by a proxyless gRPC client (grpc-xds) that finds them through istiod, in a JVM
 * of their own ({@link MeshApps}). Each Nacos version has a subclass; the Nacos is the module's shared one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedNacosExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class DataPlaneContract implements NacosLauncher.Provider {

    /** The bound stated in the README for a registry change to reach a sidecar's endpoints. */
    public static final long EDS_BOUND_MILLIS = 2_000;
    /** How soon a proxyless caller must stop calling a deregistered instance and start calling a new one. */
    public static final long CALLS_BOUND_MILLIS = 5_000;

    private static final String ORDERS = "dp-orders";
    private static final String ORDERS_HOST = "dp-orders.default-group.public.nacos";
    private static final String ORDERS_CLUSTER = "outbound|9090||" + ORDERS_HOST;
    private static final String ECHO = "dp-echo";
    private static final String ECHO_HOST = "dp-echo.default-group.public.nacos";
    private static final String WEIGHTED = "dp-weighted";
    private static final String ORDERS_ROUTING = "dp-orders-routing.yaml";
    private static final String ECHO_ROUTING = "dp-echo-routing.yaml";
    private static final String SIDECAR_IP = "10.120.0.1";
    private static final String SERVICE = "nacos.io/service";

    private IstiodBinary binary;
    private NacosUnderTest nacos;
    private NamingService naming;
    /** A second client: Nacos keeps one registration per client and service, so each extra instance needs its own. */
    private NamingService changes;
    private ConfigService config;
    private Istiod istiod;
    private SidecarXds sidecar;
    private MeshApps apps;
    private final List<Long> edsMillis = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> pushCounts = new LinkedHashMap<>();
    private final List<String> callFigures = new ArrayList<>();

    @BeforeAll
    void startIstiodAndSidecar(SharedNacos shared) throws Exception {
        binary = IstiodBinary.selected();
        nacos = shared.nacos();
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        props.put("namingRequestTimeout", "10000");
        naming = NamingFactory.createNamingService(props);
        changes = NamingFactory.createNamingService(props);
        config = ConfigFactory.createConfigService(props);
        naming.batchRegisterInstance(ORDERS, "DEFAULT_GROUP", List.of(
                instance("10.110.0.1", 9090, 1, Map.of("protocol", "grpc", "version", "v1",
                        "istio-locality", "region-a/zone-1/rack-1")),
                instance("10.110.0.2", 9090, 3, Map.of("protocol", "grpc", "version", "v2",
                        "istio-locality", "region-b/zone-2/rack-2"))));
        // The plugin writes dp-orders's VIP to its address table in Nacos config; in a fresh Nacos that is its
        // first config write, which embedded Derby fails with a lock timeout when another first write (the
        // routing below) runs at the same moment. So the routing is published once the VIP is committed.
        awaitTrue(() -> debugPage(shared.debugPort(), "/debug/addresses").contains("\"" + ORDERS_HOST + "\""), 10_000,
                "dp-orders's VIP committed to the address table");
        assertThat(config.publishConfig(ORDERS_ROUTING, "istio", routing("dp-orders", ORDERS_HOST, 90, 10))).isTrue();
        istiod = Istiod.start(binary, IstiodOptions.mcp("data-plane-nacos-" + nacos.version(), shared.mcpPort()));
        long syncMillis = istiod.awaitSynced();
        System.out.printf("istiod %s synced with the plugin in Nacos %s %d ms after its start%n", binary.label(),
                nacos.version(), syncMillis);
        sidecar = SidecarXds.connect(istiod.grpcPort(), SIDECAR_IP, "dp-client", "dp-client", istioVersion(binary));
    }

    @AfterAll
    void stopAll() throws Exception {
        try {
            System.out.printf("DATA-PLANE istio=%s nacos=%s eds_ms=%s pushes=%s calls=%s%n", binary.label(),
                    nacos.version(), sorted(edsMillis), pushCounts, callFigures);
            if (apps != null) {
                apps.close();
            }
            if (sidecar != null) {
                sidecar.close();
            }
            if (istiod != null) {
                assertThat(istiod.log().resourceProblems()).isEmpty();
                istiod.close();
            }
        } finally {
            // Leave the shared Nacos as it was for the module's other test classes.
            if (config != null) {
                config.removeConfig(ORDERS_ROUTING, "istio");
                config.removeConfig(ECHO_ROUTING, "istio");
                config.shutDown();
            }
            if (naming != null) {
                naming.shutDown();
            }
            if (changes != null) {
                changes.shutDown();
            }
        }
    }

    /** As Envoy does once CDS has named them: watches the endpoints of dp-orders's clusters. */
    private void watchOrdersEndpoints() throws InterruptedException {
        sidecar.await(SidecarXds.CDS, s -> s.clusters().containsKey(ORDERS_CLUSTER)
                && s.clusters().containsKey(subset("v1")) && s.clusters().containsKey(subset("v2")), 10_000);
        if (!sidecar.loadAssignments().containsKey(ORDERS_CLUSTER)) {
            sidecar.watchEndpoints(List.of(ORDERS_CLUSTER, subset("v1"), subset("v2")));
        }
        sidecar.await(SidecarXds.EDS, s -> s.loadAssignments().keySet()
                .containsAll(List.of(ORDERS_CLUSTER, subset("v1"), subset("v2"))), 10_000);
    }

    @Test
    @Order(1)
    void aSidecarGetsAClusterPerPortAndSubsetWithExactlyTheNacosInstances() throws Exception {
        watchOrdersEndpoints();
        assertThat(sidecar.clusters().get(ORDERS_CLUSTER).getType().name()).isEqualTo("EDS");

        Map<String, LbEndpoint> all = endpoints(ORDERS_CLUSTER);
        assertThat(all).containsOnlyKeys("10.110.0.1:9090", "10.110.0.2:9090");
        // Envoy balances by these weights: the Nacos weights' ratio (1 : 3) must survive.
        assertThat(all.get("10.110.0.2:9090").getLoadBalancingWeight().getValue())
                .isEqualTo(3 * all.get("10.110.0.1:9090").getLoadBalancingWeight().getValue());
        LocalityLbEndpoints v1Locality = localityOf(ORDERS_CLUSTER, "10.110.0.1");
        assertThat(v1Locality.getLocality().getRegion()).isEqualTo("region-a");
        assertThat(v1Locality.getLocality().getZone()).isEqualTo("zone-1");
        assertThat(v1Locality.getLocality().getSubZone()).isEqualTo("rack-1");
        assertThat(localityOf(ORDERS_CLUSTER, "10.110.0.2").getLocality().getRegion()).isEqualTo("region-b");
        assertThat(endpoints(subset("v1"))).containsOnlyKeys("10.110.0.1:9090");
        assertThat(endpoints(subset("v2"))).containsOnlyKeys("10.110.0.2:9090");
    }

    @Test
    @Order(2)
    void aVirtualServiceAndDestinationRuleFromNacosConfigAreWeightedRoutesToSubsets() throws Exception {
        sidecar.await(SidecarXds.LDS, s -> s.listeners().containsKey("0.0.0.0_9090"), 10_000);
        sidecar.watchRoutes(List.of("9090"));
        sidecar.await(SidecarXds.RDS, s -> weights(s.routes().get("9090"), ORDERS_HOST).equals(
                Map.of(subset("v1"), 90, subset("v2"), 10)), 10_000);
        // A traffic shift published in Nacos reaches the sidecar's route.
        assertThat(config.publishConfig(ORDERS_ROUTING, "istio", routing("dp-orders", ORDERS_HOST, 30, 70))).isTrue();
        sidecar.await(SidecarXds.RDS, s -> weights(s.routes().get("9090"), ORDERS_HOST).equals(
                Map.of(subset("v1"), 30, subset("v2"), 70)), 10_000);
    }

    @Test
    @Order(3)
    void aRegistryChangeReachesTheSidecarsEndpointsWithinTheStatedTime() throws Exception {
        watchOrdersEndpoints();
        for (int round = 1; round <= 5; round++) {
            String ip = "10.110.1." + round;
            Instance added = instance(ip, 9090, 1, Map.of("protocol", "grpc", "version", "v1"));
            long changed = System.nanoTime();
            changes.registerInstance(ORDERS, added);
            edsMillis.add(millisSince(changed, sidecar.await(SidecarXds.EDS,
                    s -> endpointsOf(s, ORDERS_CLUSTER).containsKey(ip + ":9090"), 10_000)));
            changed = System.nanoTime();
            changes.deregisterInstance(ORDERS, added);
            edsMillis.add(millisSince(changed, sidecar.await(SidecarXds.EDS,
                    s -> !endpointsOf(s, ORDERS_CLUSTER).containsKey(ip + ":9090"), 10_000)));
        }
        List<Long> sorted = sorted(edsMillis);
        System.out.printf("registry call -> sidecar's EDS holds it (ms, %d changes): %s%n", sorted.size(), sorted);
        assertThat(sorted.get(sorted.size() - 1)).isLessThanOrEqualTo(EDS_BOUND_MILLIS);
    }

    /**
     * An instance-only change is an incremental push (EDS only) in istiod; a changed port or host is a full push.
     * Counted from istiod's {@code pilot_xds_pushes} and {@code pilot_push_triggers} while the sidecar is the only
     * connected proxy, and from what the sidecar received.
     */
    @Test
    @Order(4)
    void onlyAPortOrHostChangeCostsIstiodAFullPush() throws Exception {
        watchOrdersEndpoints();
        // Instance-only changes: a new instance, a removed instance (a weight change: below). Each attempt
        // changes something new (another address), in case an attempt has to be repeated.
        Instance extra = instance("10.110.2.1", 9090, 1, Map.of("protocol", "grpc", "version", "v2"));
        Map<String, Long> added = measurePush("instance added", List.of(ORDERS_HOST), null, attempt -> {
            extra.setIp("10.110.2." + attempt);
            changes.registerInstance(ORDERS, extra);
        }, attempt -> endpointsOf(sidecar, ORDERS_CLUSTER).containsKey(extra.getIp() + ":9090"));
        Map<String, Long> removed = measurePush("instance removed", List.of(ORDERS_HOST), attempt -> {
            changes.registerInstance(ORDERS, extra);
            awaitTrue(() -> endpointsOf(sidecar, ORDERS_CLUSTER).containsKey(extra.getIp() + ":9090"), 10_000,
                    "the instance back before removing it again");
        }, attempt -> changes.deregisterInstance(ORDERS, extra),
                attempt -> !endpointsOf(sidecar, ORDERS_CLUSTER).containsKey(extra.getIp() + ":9090"));
        for (Map<String, Long> change : List.of(added, removed)) {
            assertEndpointsOnly(change);
        }

        // A port change: the service's instances move from 8080 to 8081 in one registration.
        changes.registerInstance("dp-ports", instance("10.111.0.1", 8080, 1, Map.of()));
        sidecar.await(SidecarXds.CDS, s -> s.clusters().containsKey("outbound|8080||dp-ports.default-group.public.nacos"),
                10_000);
        // Each of these is made once: what it proves (at least one full push) cannot come from an instance-only
        // change; pushes for unrelated changes meanwhile are told apart by istiod's log, as above.
        List<String> portsHosts = List.of("dp-ports.default-group.public.nacos", "ports.dp.example");
        Map<String, Long> port = measurePush("port changed", portsHosts, null, attempt -> changes.batchRegisterInstance(
                "dp-ports", "DEFAULT_GROUP", List.of(instance("10.111.0.1", 8081, 1, Map.of()),
                        instance("10.111.0.2", 8081, 1, Map.of()))),
                attempt -> sidecar.clusters().containsKey("outbound|8081||dp-ports.default-group.public.nacos"));
        // A host change: a service names its host with istio.hostname.
        Map<String, Long> host = measurePush("host changed", portsHosts, null, attempt -> changes.batchRegisterInstance(
                "dp-ports", "DEFAULT_GROUP", List.of(instance("10.111.0.1", 8081, 1, Map.of("istio.hostname", "ports.dp.example")),
                        instance("10.111.0.2", 8081, 1, Map.of("istio.hostname", "ports.dp.example")))),
                attempt -> sidecar.clusters().containsKey("outbound|8081||ports.dp.example"));
        // A new service is a new host too.
        Map<String, Long> service = measurePush("service added", List.of("dp-new.default-group.public.nacos"), null,
                attempt -> changes.registerInstance("dp-new", instance("10.112.0.1", 8080, 1, Map.of())),
                attempt -> sidecar.clusters().containsKey("outbound|8080||dp-new.default-group.public.nacos"));
        for (Map<String, Long> change : List.of(port, host, service)) {
            assertThat(change.get("cds")).as("CDS pushes %s", change).isGreaterThanOrEqualTo(1);
            assertThat(change.get("trigger:service")).as("service triggers %s", change).isGreaterThanOrEqualTo(1);
            assertThat(change.get("received:cds")).as("the sidecar got %s", change).isGreaterThanOrEqualTo(1);
            assertThat(change.get("logged:push-for-host")).as("istiod's log names the host %s", change)
                    .isEqualTo(1);
        }
        changes.deregisterInstance("dp-new", instance("10.112.0.1", 8080, 1, Map.of()));
    }

    /**
     * The name table (NDS) a sidecar with DNS capture gets maps every Nacos host to the VIP of its ServiceEntry,
     * a new service's host included; the VIPs are outside istiod's own allocation range.
     */
    @Test
    @Order(5)
    void theNameTableMapsEveryNacosHostToItsVip() throws Exception {
        changes.registerInstance("dp-dns", instance("10.113.0.1", 8080, 1, Map.of()));
        Istiod.Seen seen = istiod.awaitConfigs("ServiceEntry", s -> s.byAnnotation(SERVICE, ORDERS).isPresent()
                && s.byAnnotation(SERVICE, "dp-dns").isPresent(), EDS_BOUND_MILLIS, "dp-orders and dp-dns");
        Map<String, List<String>> vips = new TreeMap<>();
        for (IstiodConfig se : seen.configs()) {
            // Entries exported to some namespaces only are not the sidecar's to see.
            boolean everywhere = se.spec().path("exportTo").isEmpty()
                    || se.spec().path("exportTo").toString().contains("\"*\"");
            if (se.annotation(SERVICE) != null && se.spec().path("addresses").size() > 0 && everywhere) {
                List<String> addresses = new ArrayList<>();
                se.spec().path("addresses").forEach(a -> addresses.add(a.asText()));
                se.spec().path("hosts").forEach(h -> vips.put(h.asText(), addresses));
            }
        }
        assertThat(vips).containsKeys(ORDERS_HOST, "dp-dns.default-group.public.nacos");
        for (List<String> addresses : vips.values()) {
            assertThat(addresses).hasSize(1);
            assertThat(addresses.get(0)).doesNotStartWith("240.240.");
        }
        // As istiod stores them: no address belongs to two ServiceEntries, over every one it has.
        Map<String, java.util.Set<String>> entriesByAddress = new TreeMap<>();
        for (IstiodConfig se : seen.configs()) {
            se.spec().path("addresses").forEach(a -> entriesByAddress.computeIfAbsent(a.asText(),
                    x -> new java.util.TreeSet<>()).add(se.key()));
        }
        assertThat(entriesByAddress).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((address, entries) -> assertThat(entries).as(address).hasSize(1));
        sidecar.await(SidecarXds.NDS, s -> vips.entrySet().stream().allMatch(e -> s.nameTable().containsKey(e.getKey())
                && s.nameTable().get(e.getKey()).ips().equals(e.getValue())), 10_000);
        System.out.printf("the sidecar's name table maps %d Nacos hosts to their VIPs, e.g. %s -> %s%n", vips.size(),
                ORDERS_HOST, sidecar.nameTable().get(ORDERS_HOST).ips());
        changes.deregisterInstance("dp-dns", instance("10.113.0.1", 8080, 1, Map.of()));
    }

    /** A weight change in Nacos is an incremental push too, like {@link #onlyAPortOrHostChangeCostsIstiodAFullPush}. */
    @Test
    @Order(6)
    void aWeightChangeInNacosIsAnEndpointsOnlyPush() throws Exception {
        watchOrdersEndpoints();
        Instance reweighed = instance("10.110.3.1", 9090, 1, Map.of("protocol", "grpc", "version", "v2"));
        changes.registerInstance(ORDERS, reweighed);
        try {
            awaitTrue(() -> endpointsOf(sidecar, ORDERS_CLUSTER).containsKey("10.110.3.1:9090"), 10_000,
                    "the instance to reweigh");
            assumeWeightOnlyChangesArePushed();
            // Each attempt sets another weight, in case one has to be repeated.
            Map<String, Long> change = measurePush("weight changed", List.of(ORDERS_HOST), null, attempt -> {
                reweighed.setWeight(4 + attempt);
                changes.registerInstance(ORDERS, reweighed);
            }, attempt -> weightOf(ORDERS_CLUSTER, "10.110.3.1:9090")
                    == (4 + attempt) * weightOf(ORDERS_CLUSTER, "10.110.0.1:9090"));
            assertEndpointsOnly(change);
        } finally {
            changes.deregisterInstance(ORDERS, reweighed);
        }
    }

    private static void assertEndpointsOnly(Map<String, Long> change) {
        assertThat(change.get("eds")).as("EDS pushes %s", change).isGreaterThanOrEqualTo(1);
        assertThat(change.get("cds") + change.get("lds") + change.get("rds"))
                .as("full-push types for an instance-only change %s", change).isZero();
        assertThat(change.get("trigger:service") + change.get("trigger:config"))
                .as("full-push triggers for an instance-only change %s", change).isZero();
        assertThat(change.get("received:cds") + change.get("received:lds")).as("the sidecar got %s", change).isZero();
    }

    /**
     * The legacy pin (1.22) lacks pushing an endpoint whose weight alone changed: its endpoint index
     * ({@code pilot/pkg/model/endpointshards.go}) pushes only endpoints that were added, removed or changed health,
     * so a new Nacos weight reaches proxies only with that service's next push for another reason. Later istiod
     * compares whole endpoints.
     */
    private void assumeWeightOnlyChangesArePushed() {
        assumeFalse(binary.label().startsWith("1.22"), "istiod " + binary.label() + " lacks pushing a weight-only"
                + " endpoint change: its endpoint index pushes an endpoint only when it is added, removed or changes"
                + " health (pilot/pkg/model/endpointshards.go), so a weight changed in Nacos is not pushed");
    }

    /**
     * Measures one change's push cost, alone: waits until istiod has been idle for a second, makes the change and
     * counts ({@link #measureOnce}). The shared Nacos's other services may change meanwhile (Nacos removes the
     * empty services other test classes left); istiod's log names what each push was for, so an attempt during
     * which istiod also pushed for anything but {@code hosts} is repeated ({@code prepare} first, if given).
     */
    private Map<String, Long> measurePush(String name, List<String> hosts, AttemptChange prepare, AttemptChange change,
            java.util.function.IntPredicate shown) throws Exception {
        for (int attempt = 1; ; attempt++) {
            if (prepare != null && attempt > 1) {
                prepare.apply(attempt);
            }
            awaitIstiodIdle();
            int logFrom = istiod.log().size();
            int a = attempt;
            Map<String, Long> counts = measureOnce(name, () -> change.apply(a), () -> shown.test(a));
            counts.put("logged:push-for-host", pushLogged(hosts, logFrom) ? 1L : 0L);
            List<String> foreign = pushesNotFor(hosts, logFrom);
            if (foreign.isEmpty() || prepare == null && !instanceOnly(name)) {
                // A port or host change happens once; the push it must cause names its host in istiod's log.
                return counts;
            }
            if (attempt == 4) {
                throw new AssertionError("istiod kept pushing for other changes while '" + name + "' was measured: "
                        + foreign);
            }
            System.out.printf("'%s': istiod also pushed for other changes meanwhile (%s); measuring again%n", name,
                    foreign);
        }
    }

    private static final java.util.regex.Pattern DEBOUNCED =
            java.util.regex.Pattern.compile("Push debounce stable\\[\\d+] (\\d+) for config (\\S+?):? ");

    private static boolean instanceOnly(String name) {
        return name.startsWith("instance") || name.startsWith("weight");
    }

    /**
     * Whether istiod logged, from {@code from} on, a push naming one of {@code hosts}; waits up to 5 s for the line,
     * since its output is read by another thread, which may lag behind on a loaded machine.
     */
    private boolean pushLogged(List<String> hosts, int from) throws InterruptedException {
        return istiod.log().await(text -> {
            java.util.regex.Matcher m = DEBOUNCED.matcher(text);
            return m.find() && hosts.stream().anyMatch(m.group(2)::contains);
        }, from, 5_000).isPresent();
    }

    /** istiod's log lines from {@code from} on about a push that was not for {@code hosts} alone. */
    private List<String> pushesNotFor(List<String> hosts, int from) {
        List<String> foreign = new ArrayList<>();
        List<io.nacosistio.it.istiod.IstiodLog.Line> lines = istiod.log().lines();
        for (io.nacosistio.it.istiod.IstiodLog.Line line : lines.subList(from, lines.size())) {
            java.util.regex.Matcher m = DEBOUNCED.matcher(line.text());
            // "N for config X and M more configs": only X is named, so more than one config is someone else's too.
            if (m.find() && (line.text().contains(" more configs") || hosts.stream().noneMatch(m.group(2)::contains))) {
                foreign.add(m.group(1) + " for " + m.group(2));
            }
        }
        return foreign;
    }

    /** Waits (up to 20 s) until istiod's push counters have not moved for a second. */
    private void awaitIstiodIdle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = pushActivity(istiod.metrics());
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(1)) {
            Thread.sleep(100);
            long now = pushActivity(istiod.metrics());
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
    }

    private static long pushActivity(IstiodMetrics metrics) {
        return metrics.byLabel(IstiodMetrics.PUSH_TRIGGERS, "type").values().stream().mapToLong(Long::longValue).sum()
                + metrics.byLabel(IstiodMetrics.XDS_PUSHES, "type").values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Runs {@code change}, waits until the sidecar shows it and istiod has counted the pushes, and returns istiod's
     * push counts by type and trigger for it, and what the sidecar received meanwhile.
     */
    private Map<String, Long> measureOnce(String name, ThrowingRunnable change, BooleanSupplier shown) throws Exception {
        IstiodMetrics before = istiod.metrics();
        int historyBefore = sidecar.ads().history().size();
        change.run();
        awaitTrue(shown, 10_000, name + " shown to the sidecar");
        // istiod counts a push once it has been sent: wait until the counters include the push just received.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        IstiodMetrics after;
        do {
            after = istiod.metrics();
        } while (after.pushes("eds") + after.pushes("cds") == before.pushes("eds") + before.pushes("cds")
                && System.nanoTime() < deadline && sleep(20));
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String type : List.of("cds", "eds", "lds", "rds", "nds")) {
            counts.put(type, after.pushes(type) - before.pushes(type));
        }
        for (String reason : List.of("endpoint", "service", "config")) {
            counts.put("trigger:" + reason, after.triggers(reason) - before.triggers(reason));
        }
        Map<String, Long> received = new TreeMap<>();
        for (IstiodLikeClient.Received r : sidecar.ads().history().subList(historyBefore, sidecar.ads().history().size())) {
            received.merge(shortType(r.typeUrl()), 1L, Long::sum);
        }
        for (String type : List.of("cds", "eds", "lds", "rds", "nds")) {
            counts.put("received:" + type, received.getOrDefault(type, 0L));
        }
        System.out.printf("push cost of '%s' in istiod %s: %s%n", name, binary.label(), counts);
        pushCounts.put(name, "cds=" + counts.get("cds") + ",eds=" + counts.get("eds") + ",lds=" + counts.get("lds")
                + ",rds=" + counts.get("rds") + ",triggers=" + after.byLabel(IstiodMetrics.PUSH_TRIGGERS, "type")
                .entrySet().stream().filter(e -> e.getValue() - before.triggers(e.getKey()) > 0)
                .map(e -> e.getKey() + ":" + (e.getValue() - before.triggers(e.getKey()))).toList());
        return counts;
    }

    /**
     * Real gRPC servers registered by themselves in Nacos, called by a proxyless gRPC client through istiod: calls
     * reach exactly the registered instances, follow deregistration and registration within seconds, and follow
     * a VirtualService's weights published in Nacos config.
     */
    @Test
    @Order(10)
    void aProxylessGrpcClientCallsTheInstancesNacosHasAndFollowsTheirChangesAndTheRoutesWeights() throws Exception {
        int port = FreePorts.any();
        String target = "xds:///" + ECHO_HOST + ":" + port;
        MeshApps apps = meshApps();
        apps.serve("echo-1", "127.0.0.21", port, "v1");
        apps.serve("echo-2", "127.0.0.22", port, "v1");
        MeshApps.Calls first = awaitCalls(apps, target, 50, c -> c.byInstance().keySet().equals(java.util.Set.of("echo-1",
                "echo-2")), 30_000, "calls reaching echo-1 and echo-2");
        MeshApps.Calls both = apps.call(target, 200);
        System.out.printf("proxyless calls to the two registered instances: %s (first batch %s)%n", both, first);
        assertThat(both.errors()).isZero();
        assertThat(both.byInstance()).containsOnlyKeys("echo-1", "echo-2");

        apps.deregister("echo-2");
        long deregistered = System.nanoTime();
        awaitCalls(apps, target, 20, c -> c.errors() == 0 && c.byInstance().keySet().equals(java.util.Set.of("echo-1")),
                CALLS_BOUND_MILLIS, "calls no longer reaching the deregistered echo-2");
        long goneMillis = millisSince(deregistered, System.nanoTime());
        assertThat(apps.call(target, 100).byInstance()).containsOnlyKeys("echo-1");
        apps.stop("echo-2");

        apps.serve("echo-3", "127.0.0.23", port, "v2");
        long registered = System.nanoTime();
        awaitCalls(apps, target, 20, c -> c.byInstance().containsKey("echo-3"), CALLS_BOUND_MILLIS,
                "calls reaching the new echo-3");
        long newMillis = millisSince(registered, System.nanoTime());
        System.out.printf("proxyless caller: deregistered instance out of the calls after %d ms, new instance in"
                + " after %d ms%n", goneMillis, newMillis);
        callFigures.add("deregistered_out_ms=" + goneMillis);
        callFigures.add("new_in_ms=" + newMillis);

        // 90/10 between the subsets v1 (echo-1) and v2 (echo-3), published in Nacos config.
        assertThat(config.publishConfig(ECHO_ROUTING, "istio", routing("dp-echo", ECHO_HOST, 90, 10))).isTrue();
        awaitCalls(apps, target, 100, c -> c.errors() == 0 && c.percent("echo-3") <= 25, 15_000,
                "the 90/10 split in effect");
        MeshApps.Calls ninety = apps.call(target, 1_000);
        System.out.printf("proxyless calls with a 90/10 VirtualService: %s%n", ninety);
        assertThat(ninety.errors()).isZero();
        assertThat(ninety.percent("echo-1")).isBetween(85.0, 95.0);
        callFigures.add("split_90_10=" + ninety.byInstance());

        // The weights change in Nacos: the split follows.
        assertThat(config.publishConfig(ECHO_ROUTING, "istio", routing("dp-echo", ECHO_HOST, 50, 50))).isTrue();
        awaitCalls(apps, target, 100, c -> c.errors() == 0 && c.percent("echo-3") >= 35, 15_000,
                "the 50/50 split in effect");
        MeshApps.Calls half = apps.call(target, 1_000);
        System.out.printf("proxyless calls after the weights changed to 50/50: %s%n", half);
        assertThat(half.errors()).isZero();
        assertThat(half.percent("echo-1")).isBetween(45.0, 55.0);
        callFigures.add("split_50_50=" + half.byInstance());
        apps.stop("echo-1");
        apps.stop("echo-3");
    }

    /**
     * Nacos weights reach a proxyless client as locality weights: istiod gives each locality the sum of its
     * endpoints' weights, and grpc-java's default policy (wrr_locality, round_robin inside a locality) picks a
     * locality by that weight and ignores endpoint weights. Two instances in two localities with Nacos weights
     * 9 and 1 take ~90/10 of 1,000 calls; the first instance's weight changed to 1 in Nacos makes it ~50/50.
     */
    @Test
    @Order(11)
    void aProxylessGrpcClientSplitsCallsByTheNacosWeightsOfTheLocalitiesAndFollowsAWeightChange() throws Exception {
        int port = FreePorts.any();
        String host = WEIGHTED + ".default-group.public.nacos";
        String target = "xds:///" + host + ":" + port;
        String cluster = "outbound|" + port + "||" + host;
        MeshApps apps = meshApps();
        apps.serve("west", WEIGHTED, "127.0.0.31", port, 9, "region-w/zone-w1/rack-w1");
        apps.serve("east", WEIGHTED, "127.0.0.32", port, 1, "region-e/zone-e1/rack-e1");
        try {
            splitByLocalityWeights(apps, target, cluster);
        } finally {
            apps.stop("west");
            apps.stop("east");
        }
    }

    private void splitByLocalityWeights(MeshApps apps, String target, String cluster) throws Exception {

        // What istiod sends (the sidecar's EDS is the proxyless client's too): one locality per instance, weighted
        // by the sum of its endpoints' weights (Nacos weight x 100).
        sidecar.await(SidecarXds.CDS, s -> s.clusters().containsKey(cluster), 10_000);
        sidecar.watchEndpoints(List.of(ORDERS_CLUSTER, subset("v1"), subset("v2"), cluster));
        sidecar.await(SidecarXds.EDS, s -> localityWeights(s, cluster).equals(
                Map.of("region-w/zone-w1/rack-w1", 900, "region-e/zone-e1/rack-e1", 100)), 10_000);

        awaitCalls(apps, target, 100, c -> c.errors() == 0 && c.byInstance().keySet().equals(java.util.Set.of("west",
                "east")), 30_000, "calls reaching both localities");
        MeshApps.Calls ninety = apps.call(target, 1_000);
        System.out.printf("proxyless calls to localities weighted 9 : 1 in Nacos: %s%n", ninety);
        assertThat(ninety.errors()).isZero();
        assertThat(ninety.percent("west")).isBetween(85.0, 95.0);
        callFigures.add("locality_9_1=" + ninety.byInstance());

        assumeWeightOnlyChangesArePushed();
        long changed = System.nanoTime();
        apps.weigh("west", 1);
        sidecar.await(SidecarXds.EDS, s -> localityWeights(s, cluster).equals(
                Map.of("region-w/zone-w1/rack-w1", 100, "region-e/zone-e1/rack-e1", 100)), 10_000);
        awaitCalls(apps, target, 100, c -> c.errors() == 0 && c.percent("east") >= 35, 15_000,
                "the split following the weight change");
        long followMillis = millisSince(changed, System.nanoTime());
        MeshApps.Calls half = apps.call(target, 1_000);
        System.out.printf("proxyless calls after the weight changed to 1 : 1 in Nacos (split followed within %d ms):"
                + " %s%n", followMillis, half);
        assertThat(half.errors()).isZero();
        assertThat(half.percent("west")).isBetween(45.0, 55.0);
        callFigures.add("locality_1_1=" + half.byInstance());
        callFigures.add("weight_change_followed_ms=" + followMillis);
    }

    /** The mesh applications' JVM, started on first use and ended with the class. */
    private MeshApps meshApps() throws Exception {
        if (apps == null) {
            Map<String, String> metadata = Map.of("GENERATOR", "grpc", "ISTIO_VERSION", istioVersion(binary),
                    "CLUSTER_ID", "Kubernetes", "NAMESPACE", "dp-caller");
            apps = MeshApps.start("proxyless-nacos-" + nacos.version(), "127.0.0.1:" + nacos.httpPort(), ECHO,
                    istiod.grpcPort(), "sidecar~127.0.0.1~dp-caller.dp-caller~dp-caller.svc.cluster.local", metadata);
        }
        return apps;
    }

    /** {@code region/zone/subzone} → locality weight of the cluster's endpoints, as the sidecar holds them. */
    private static Map<String, Integer> localityWeights(SidecarXds view, String cluster) {
        Map<String, Integer> weights = new TreeMap<>();
        ClusterLoadAssignment cla = view.loadAssignments().get(cluster);
        if (cla != null) {
            for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
                var l = locality.getLocality();
                weights.put(l.getRegion() + "/" + l.getZone() + "/" + l.getSubZone(),
                        locality.getLoadBalancingWeight().getValue());
            }
        }
        return weights;
    }

    private static MeshApps.Calls awaitCalls(MeshApps apps, String target, int batch,
            java.util.function.Predicate<MeshApps.Calls> condition, long timeoutMillis, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        MeshApps.Calls calls;
        do {
            calls = apps.call(target, batch);
            if (condition.test(calls)) {
                return calls;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + what + " within " + timeoutMillis + " ms; the last " + batch + " calls: " + calls);
    }

    /** A VirtualService splitting {@code host} between subsets v1 and v2, and the DestinationRule defining them. */
    private static String routing(String name, String host, int v1, int v2) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %1$s-route
                  namespace: dp-config
                spec:
                  hosts:
                  - %2$s
                  http:
                  - route:
                    - destination:
                        host: %2$s
                        subset: v1
                      weight: %3$d
                    - destination:
                        host: %2$s
                        subset: v2
                      weight: %4$d
                ---
                # istiod applies a DestinationRule from the caller's namespace, the service's (public for Nacos's
                # default namespace) or its root namespace only.
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %1$s-subsets
                  namespace: public
                spec:
                  host: %2$s
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                  - name: v2
                    labels:
                      version: v2
                """.formatted(name, host, v1, v2);
    }

    private static String subset(String name) {
        return "outbound|9090|" + name + "|" + ORDERS_HOST;
    }

    /** The weighted clusters of the first route of {@code host}'s virtual host. */
    private static Map<String, Integer> weights(RouteConfiguration routes, String host) {
        if (routes == null) {
            return Map.of();
        }
        for (VirtualHost vh : routes.getVirtualHostsList()) {
            if (vh.getDomainsList().contains(host) && vh.getRoutesCount() > 0) {
                Map<String, Integer> weights = new TreeMap<>();
                for (WeightedCluster.ClusterWeight w : vh.getRoutes(0).getRoute().getWeightedClusters().getClustersList()) {
                    weights.put(w.getName(), w.getWeight().getValue());
                }
                return weights;
            }
        }
        return Map.of();
    }

    private Map<String, LbEndpoint> endpoints(String cluster) {
        return endpointsOf(sidecar, cluster);
    }

    private static Map<String, LbEndpoint> endpointsOf(SidecarXds view, String cluster) {
        Map<String, LbEndpoint> byAddress = new TreeMap<>();
        ClusterLoadAssignment cla = view.loadAssignments().get(cluster);
        if (cla != null) {
            for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
                for (LbEndpoint ep : locality.getLbEndpointsList()) {
                    var socket = ep.getEndpoint().getAddress().getSocketAddress();
                    byAddress.put(socket.getAddress() + ":" + socket.getPortValue(), ep);
                }
            }
        }
        return byAddress;
    }

    private int weightOf(String cluster, String address) {
        LbEndpoint ep = endpoints(cluster).get(address);
        return ep == null ? -1 : ep.getLoadBalancingWeight().getValue();
    }

    private LocalityLbEndpoints localityOf(String cluster, String ip) {
        for (LocalityLbEndpoints locality : sidecar.loadAssignments().get(cluster).getEndpointsList()) {
            for (LbEndpoint ep : locality.getLbEndpointsList()) {
                if (ep.getEndpoint().getAddress().getSocketAddress().getAddress().equals(ip)) {
                    return locality;
                }
            }
        }
        throw new AssertionError(ip + " is not an endpoint of " + cluster);
    }

    /** The Istio release a sidecar of this istiod runs, e.g. {@code 1.31.0} for the {@code 1.31-dev-...} build. */
    static String istioVersion(IstiodBinary binary) {
        return binary.label().split("-")[0] + ".0";
    }

    private static String shortType(String typeUrl) {
        return switch (typeUrl) {
            case SidecarXds.CDS -> "cds";
            case SidecarXds.EDS -> "eds";
            case SidecarXds.LDS -> "lds";
            case SidecarXds.RDS -> "rds";
            case SidecarXds.NDS -> "nds";
            default -> typeUrl;
        };
    }

    private static long millisSince(long startNanos, long endNanos) {
        return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
    }

    private static List<Long> sorted(List<Long> values) {
        List<Long> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }

    private static void awaitTrue(BooleanSupplier condition, long timeoutMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within " + timeoutMillis + " ms: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static String debugPage(int port, String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** One attempt at a change (attempts are numbered from 1). */
    @FunctionalInterface
    private interface AttemptChange {
        void apply(int attempt) throws Exception;
    }
}
