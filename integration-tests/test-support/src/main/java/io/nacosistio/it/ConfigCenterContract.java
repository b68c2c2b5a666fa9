package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.nacosistio.it.IstiodLikeClient.Received;
import istio.mcp.v1alpha1.ResourceOuterClass.Resource;
import istio.networking.v1alpha3.DestinationRuleOuterClass.DestinationRule;
import istio.networking.v1alpha3.GatewayOuterClass.Gateway;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;
import istio.networking.v1alpha3.VirtualServiceOuterClass.VirtualService;
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
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nacos as the mesh's config center: Istio documents published with the real Nacos config client reach an
 * istiod-like client (decoding with the Istio classes of Nacos's built-in module where it has the kind,
 * the plugin's own otherwise), and every refused document is explained and harms nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedNacosExtension.class)
public abstract class ConfigCenterContract implements NacosLauncher.Provider {

    private static final String GROUP = "istio";
    private static final String VS = "networking.istio.io/v1/VirtualService";
    private static final String DR = "networking.istio.io/v1/DestinationRule";
    private static final String GW = "networking.istio.io/v1/Gateway";
    private static final String AP = "security.istio.io/v1/AuthorizationPolicy";
    private static final String PA = "security.istio.io/v1/PeerAuthentication";
    private static final String SE = "networking.istio.io/v1/ServiceEntry";
    /** How long a delivery may take after Nacos announces a stored change: the quiet period and 100 ms. */
    private static final long DELIVERY_BUDGET_MILLIS = SharedNacos.QUIET_MILLIS + 100;

    private NacosUnderTest nacos;
    private ConfigService config;
    private NamingService naming;
    private int mcpPort;
    private int debugPort;
    private final List<IstiodLikeClient> clients = new ArrayList<>();
    private final List<String> published = new ArrayList<>();

    @BeforeAll
    void connect(SharedNacos shared) throws Exception {
        nacos = shared.nacos();
        mcpPort = shared.mcpPort();
        debugPort = shared.debugPort();
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        config = ConfigFactory.createConfigService(props);
        naming = NamingFactory.createNamingService(props);
    }

    @AfterAll
    void disconnect() throws Exception {
        if (config != null) {
            config.shutDown();
        }
        if (naming != null) {
            naming.shutDown();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(IstiodLikeClient::close);
        clients.clear();
        for (String dataId : published) {
            config.removeConfig(dataId, GROUP);
        }
        published.clear();
    }

    private IstiodLikeClient client() {
        IstiodLikeClient client = IstiodLikeClient.connect("127.0.0.1", mcpPort, 0)
                .subscribe(IstiodLikeClient.ISTIO_124_TYPES);
        clients.add(client);
        return client;
    }

    private long publish(String dataId, String content) throws Exception {
        assertThat(config.publishConfig(dataId, GROUP, content)).isTrue();
        if (!published.contains(dataId)) {
            published.add(dataId);
        }
        return System.nanoTime();
    }

    /** Waits for the state the change published at {@code since} leads to (timing is the latency test's job). */
    private Received await(IstiodLikeClient client, String typeUrl, long since, Predicate<Received> condition)
            throws InterruptedException {
        return client.awaitState(typeUrl, condition, 10_000);
    }

    private static Optional<Resource> named(Received r, String name) {
        return IstiodLikeClient.resource(r, name);
    }

    private static String version(Received r, String name) {
        return named(r, name).map(x -> x.getMetadata().getVersion()).orElse("");
    }

    @Test
    void documentsOfFiveKindsArriveByteCompatibleWithIstiosProtos() throws Exception {
        IstiodLikeClient client = client();
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 15_000);
        long at = publish("mesh-rules.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  labels: {istio.io/rev: default}
                spec:
                  hosts: [reviews.default-group.public.nacos]
                  http:
                  - match: [{headers: {end-user: {exact: jason}}}]
                    fault: {delay: {percentage: {value: 100}, fixedDelay: 2s}}
                    route: [{destination: {host: reviews.default-group.public.nacos, subset: v2}}]
                  - route:
                    - {destination: {host: reviews.default-group.public.nacos, subset: v1}, weight: 90}
                    - {destination: {host: reviews.default-group.public.nacos, subset: v2}, weight: 10}
                ---
                apiVersion: networking.istio.io/v1beta1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews.default-group.public.nacos
                  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}, outlierDetection: {interval: 1m, baseEjectionTime: 30s}}
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: shop, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*/shop.example.com"]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-admin, namespace: shop}
                spec:
                  action: DENY
                  rules: [{to: [{operation: {paths: [/admin*]}}]}]
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: istio-system}
                spec:
                  mtls: {mode: STRICT}
                """);

        Received vs = await(client, VS, at, r -> named(r, "public/reviews").isPresent());
        Resource vsResource = named(vs, "public/reviews").orElseThrow();
        assertThat(vsResource.getMetadata().getLabelsMap()).containsEntry("istio.io/rev", "default");
        assertThat(vsResource.getMetadata().hasCreateTime()).isTrue();
        VirtualService virtualService = vsResource.getBody().unpack(VirtualService.class);
        assertThat(virtualService.getHttp(0).getFault().getDelay().getFixedDelay().getSeconds()).isEqualTo(2);
        assertThat(virtualService.getHttp(1).getRoute(0).getWeight()).isEqualTo(90);
        assertThat(virtualService.getHttp(1).getRoute(1).getDestination().getSubset()).isEqualTo("v2");

        DestinationRule dr = await(client, DR, at, r -> named(r, "public/reviews").isPresent())
                .resources().get(0).getBody().unpack(DestinationRule.class);
        assertThat(dr.getSubsetsList()).extracting(istio.networking.v1alpha3.DestinationRuleOuterClass.Subset::getName).containsExactly("v1", "v2");
        assertThat(dr.getTrafficPolicy().getOutlierDetection().getInterval().getSeconds()).isEqualTo(60);

        Gateway gw = await(client, GW, at, r -> named(r, "istio-system/shop").isPresent())
                .resources().get(0).getBody().unpack(Gateway.class);
        assertThat(gw.getServers(0).getHostsList()).containsExactly("*/shop.example.com");

        Resource ap = named(await(client, AP, at, r -> named(r, "shop/deny-admin").isPresent()), "shop/deny-admin")
                .orElseThrow();
        assertThat(ap.getBody().getTypeUrl()).isEqualTo("type.googleapis.com/istio.security.v1beta1.AuthorizationPolicy");
        var policy = io.nacosistio.proto.istio.security.v1beta1.AuthorizationPolicy.parseFrom(
                ap.getBody().getValue().toByteArray());
        assertThat(policy.getAction().name()).isEqualTo("DENY");
        assertThat(policy.getRules(0).getTo(0).getOperation().getPathsList()).containsExactly("/admin*");

        Resource pa = named(await(client, PA, at, r -> named(r, "istio-system/default").isPresent()),
                "istio-system/default").orElseThrow();
        var peer = io.nacosistio.proto.istio.security.v1beta1.PeerAuthentication.parseFrom(
                pa.getBody().getValue().toByteArray());
        assertThat(peer.getMtls().getMode().name()).isEqualTo("STRICT");

        // A client connecting later gets the same versions: content hashes, not counters.
        IstiodLikeClient late = client();
        late.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 15_000);
        assertThat(version(late.latest(VS).orElseThrow(), "public/reviews"))
                .isEqualTo(vsResource.getMetadata().getVersion());
    }

    @Test
    void updateBreakFixAndDeleteAreFollowedAndABrokenUpdateKeepsTheLastGoodVersion() throws Exception {
        IstiodLikeClient client = client();
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 15_000);
        String good = dr("checkout", "checkout.default-group.public.nacos", "ROUND_ROBIN");
        String other = dr("payments", "payments.default-group.public.nacos", "ROUND_ROBIN");

        long at = publish("lifecycle.yaml", good + "---\n" + other);
        Received created = await(client, DR, at, r -> named(r, "public/checkout").isPresent()
                && named(r, "public/payments").isPresent());
        String v1 = version(created, "public/checkout");
        String p1 = version(created, "public/payments");

        at = publish("lifecycle.yaml", dr("checkout", "checkout.default-group.public.nacos", "LEAST_REQUEST") + "---\n"
                + other);
        Received updated = await(client, DR, at, r -> !version(r, "public/checkout").equals(v1)
                && named(r, "public/checkout").isPresent());
        String v2 = version(updated, "public/checkout");
        assertThat(version(updated, "public/payments")).as("unchanged document keeps its version").isEqualTo(p1);

        // Broken update of checkout, real update of payments in the same config.
        at = publish("lifecycle.yaml", dr("checkout", "checkout..bad host", "LEAST_REQUEST") + "---\n"
                + dr("payments", "payments.default-group.public.nacos", "RANDOM"));
        Received afterBreak = await(client, DR, at, r -> !version(r, "public/payments").equals(p1));
        assertThat(version(afterBreak, "public/checkout")).as("last accepted version stays served").isEqualTo(v2);
        String debug = get("/debug/config");
        assertThat(debug).contains("dataId=lifecycle.yaml group=istio namespace=public document #1 "
                + "(DestinationRule checkout): spec.host: 'checkout..bad host'");
        assertThat(debug).contains("the last accepted version (" + v2 + ") stays served");
        assertThat(get("/metrics")).contains("nacos_mesh_config_refused_documents 1");

        at = publish("lifecycle.yaml", dr("checkout", "checkout.default-group.public.nacos", "RANDOM"));
        Received fixed = await(client, DR, at, r -> !version(r, "public/checkout").equals(v2)
                && named(r, "public/checkout").isPresent() && named(r, "public/payments").isEmpty());
        assertThat(fixed.resources()).extracting(x -> x.getMetadata().getName()).containsExactly("public/checkout");
        assertThat(get("/debug/config")).doesNotContain("checkout..bad host");

        assertThat(config.removeConfig("lifecycle.yaml", GROUP)).isTrue();
        at = System.nanoTime();
        await(client, DR, at, r -> named(r, "public/checkout").isEmpty());
    }

    @Test
    void garbageAndInvalidDocumentsAreExplainedAndEverythingElseKeepsFlowing() throws Exception {
        IstiodLikeClient client = client();
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 15_000);
        publish("garbage.yaml", "\u0001\u0002 not: [yaml");
        publish("unknown-kind.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualServise\nmetadata: {name: x}\n"
                + "spec: {}\n");
        long at = publish("fine.yaml", dr("inventory", "inventory.default-group.public.nacos", "RANDOM"));

        await(client, DR, at, r -> named(r, "public/inventory").isPresent());
        String debug = get("/debug/config");
        assertThat(debug).contains("dataId=garbage.yaml group=istio namespace=public")
                .contains("not valid YAML or JSON");
        assertThat(debug).contains("'VirtualServise' (networking.istio.io/v1) is not a kind the config center serves");
    }

    @Test
    void aConfigCenterServiceEntryReplacesTheRegistryOneOfTheSameName() throws Exception {
        Instance instance = new Instance();
        instance.setIp("10.60.0.1");
        instance.setPort(8080);
        naming.registerInstance("ledger", "DEFAULT_GROUP", instance);
        IstiodLikeClient client = client();
        Received registry = client.awaitState(SE, r -> IstiodLikeClient.serviceEntries(r).values().stream()
                .anyMatch(se -> se.getHostsList().contains("ledger.default-group.public.nacos")), 10_000);
        String name = registry.resources().stream()
                .filter(r -> r.getMetadata().getAnnotationsMap().getOrDefault("nacos.io/service", "").equals("ledger"))
                .findFirst().orElseThrow().getMetadata().getName();

        String localName = name.substring(name.indexOf('/') + 1);
        long at = publish("ledger-override.yaml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n"
                + "metadata: {name: " + localName + "}\nspec:\n  hosts: [ledger.default-group.public.nacos]\n"
                + "  location: MESH_INTERNAL\n  resolution: STATIC\n"
                + "  ports: [{number: 9443, name: https-9443, protocol: HTTPS}]\n"
                + "  endpoints: [{address: 10.60.0.99}]\n");
        Received replaced = await(client, SE, at, r -> named(r, name).map(x -> {
            try {
                return x.getBody().unpack(ServiceEntry.class).getPorts(0).getNumber() == 9443;
            } catch (Exception e) {
                return false;
            }
        }).orElse(false));
        assertThat(replaced.resources().stream().filter(r -> r.getMetadata().getName().equals(name))).hasSize(1);
        assertThat(get("/debug/config")).contains("\"replacedRegistryResources\"").contains(name);

        config.removeConfig("ledger-override.yaml", GROUP);
        published.remove("ledger-override.yaml");
        at = System.nanoTime();
        await(client, SE, at, r -> named(r, name).map(x -> {
            try {
                return x.getBody().unpack(ServiceEntry.class).getPorts(0).getNumber() != 9443;
            } catch (Exception e) {
                return false;
            }
        }).orElse(false));
        naming.deregisterInstance("ledger", "DEFAULT_GROUP", instance);
    }

    @Test
    void configsTaggedForNacossBuiltInModuleArePickedUpInAnyGroup() throws Exception {
        IstiodLikeClient client = client();
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 15_000);
        long at = System.nanoTime();
        nacos.publishTaggedConfig("DEFAULT_GROUP", "legacy-vs", "apiVersion: networking.istio.io/v1alpha3\n"
                + "kind: VirtualService\nmetadata: {name: legacy}\nspec:\n  hosts: [legacy.default-group.public.nacos]\n"
                + "  http:\n  - route: [{destination: {host: legacy.default-group.public.nacos}}]\n", "virtual-service");
        try {
            await(client, VS, at, r -> named(r, "public/legacy").isPresent());
        } finally {
            config.removeConfig("legacy-vs", "DEFAULT_GROUP");
        }
        client.awaitState(VS, r -> named(r, "public/legacy").isEmpty(), 10_000);
    }

    @Test
    void deliveriesFollowNacossChangeEventWithinTheQuietPeriodPlus100Milliseconds() throws Exception {
        IstiodLikeClient client = client();
        client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 15_000);
        List<Long> stored = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        String previous = "";
        try (ConfigChangeClock clock = ConfigChangeClock.start()) {
            for (int i = 0; i < 10; i++) {
                clock.reset("latency.yaml", GROUP);
                long at = publish("latency.yaml", dr("latency", "latency-" + i + ".default-group.public.nacos",
                        "RANDOM"));
                String before = previous;
                Received r = client.awaitState(DR, x -> named(x, "public/latency").isPresent()
                        && !version(x, "public/latency").equals(before), 10_000);
                long changed = clock.awaitChange("latency.yaml", GROUP);
                previous = version(r, "public/latency");
                stored.add(TimeUnit.NANOSECONDS.toMillis(changed - at));
                delivered.add(TimeUnit.NANOSECONDS.toMillis(r.nanoTime() - changed));
                Thread.sleep(300);
            }
        }
        System.out.printf("Nacos %s config center over 10 publishes: publish -> Nacos's change event %s ms; "
                + "change event -> istiod-like client %s ms%n", nacos.version(), stored, delivered);
        List<Long> sorted = new ArrayList<>(delivered);
        sorted.sort(null);
        assertThat(sorted.get(sorted.size() / 2)).as("median change event -> delivery")
                .isLessThanOrEqualTo(DELIVERY_BUDGET_MILLIS);
        assertThat(sorted.get(sorted.size() - 2)).as("second slowest change event -> delivery")
                .isLessThanOrEqualTo(DELIVERY_BUDGET_MILLIS + 100);
    }

    private static String dr(String name, String host, String lb) {
        return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: " + name + "\nspec:\n"
                + "  host: " + host + "\n  trafficPolicy:\n    loadBalancer: {simple: " + lb + "}\n";
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + debugPort + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
