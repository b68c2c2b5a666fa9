package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigFactory;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import io.nacosistio.it.istiod.ConfigSourceTls;
import io.nacosistio.it.istiod.Istiod;
import io.nacosistio.it.istiod.IstiodBinary;
import io.nacosistio.it.istiod.IstiodConfig;
import io.nacosistio.it.istiod.IstiodLog;
import io.nacosistio.it.istiod.IstiodOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin against a real istiod ({@code pilot-discovery}, the pin chosen by {@code -Distiod.version}),
 * outside Kubernetes, judged only by istiod's own view: {@code /debug/configz}, {@code /debug/registryz} and
 * its log. Each Nacos version has a subclass; the Nacos under test is the module's shared one, except for the
 * restart, which needs a Nacos in a JVM of its own.
 *
 * <p>istiod pings with {@code --keepaliveInterval} ({@code e2e.keepalive.interval}, 1 s unless set: gRPC-Go
 * raises anything under 10 s to 10 s) and the soak test keeps the stream idle until it is
 * {@code e2e.soak.seconds} old (35 unless set; the matrix command runs minutes with istiod's default 30 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedNacosExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class RealIstiodContract implements NacosLauncher.Provider {

    /** The bound stated in the README for a registry change to be stored by istiod. */
    public static final long CHANGE_BOUND_MILLIS = 2_000;

    private static final String SE = "ServiceEntry";
    /** How long a child Nacos that reported itself up may take to log that the plugin listens. */
    private static final long PLUGIN_START_MILLIS = 30_000;
    private static final String SERVICE = "nacos.io/service";
    private static final Duration KEEPALIVE = Duration.parse("PT" + System.getProperty("e2e.keepalive.interval", "1s"));
    private static final long SOAK_SECONDS = Long.getLong("e2e.soak.seconds", 35);
    /** The DNS name in the TLS tests' server certificates, the one istiod's subjectAltNames expects. */
    private static final String TLS_NAME = "nacos-mcp.mesh.test";

    private IstiodBinary binary;
    private NacosUnderTest nacos;
    private NamingService naming;
    private Istiod istiod;
    private long syncMillis;
    private int debugPort;
    private int mcpPort;
    private final List<Long> changeMillis = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void startIstiod(SharedNacos shared) throws Exception {
        binary = IstiodBinary.selected();
        nacos = shared.nacos();
        debugPort = shared.debugPort();
        mcpPort = shared.mcpPort();
        naming = namingClient(nacos.httpPort());
        // Registered before istiod starts: its very first answer must already hold them.
        naming.batchRegisterInstance("e2e-orders", "DEFAULT_GROUP", List.of(
                instance("10.100.0.1", 9090, 1, Map.of("protocol", "grpc", "version", "v1")),
                instance("10.100.0.2", 9091, 3, Map.of("protocol", "grpc", "version", "v2"))));
        for (int i = 1; i <= 3; i++) {
            naming.registerInstance("e2e-stable-" + i, instance("10.100.1." + i, 8080, 1, Map.of()));
        }
        istiod = Istiod.start(binary, IstiodOptions.mcp("plugin-nacos-" + nacos.version(), shared.mcpPort())
                .withKeepaliveInterval(KEEPALIVE));
        syncMillis = istiod.awaitSynced();
        System.out.printf("istiod %s synced with the plugin in Nacos %s %d ms after its start%n", binary.label(),
                nacos.version(), syncMillis);
    }

    @AfterAll
    void stopIstiod() throws Exception {
        try {
            if (istiod != null) {
                List<Long> sorted = new ArrayList<>(changeMillis);
                Collections.sort(sorted);
                System.out.printf("E2E-RESULT istio=%s nacos=%s sync_ms=%d change_ms=%s soak_s=%d%n", binary.label(),
                        nacos.version(), syncMillis, sorted, SOAK_SECONDS);
                istiod.close();
            }
        } finally {
            if (naming != null) {
                naming.shutDown();
            }
        }
    }

    @Test
    @Order(1)
    void istiodSyncsAndEveryServiceIsAServiceEntryWithItsHostPortsAndEndpoints() throws Exception {
        Istiod.Seen seen = istiod.awaitConfigs(SE, s -> s.byAnnotation(SERVICE, "e2e-orders").isPresent()
                && s.byAnnotation(SERVICE, "e2e-stable-3").isPresent(), 5_000, "e2e-orders and e2e-stable-*");
        IstiodConfig orders = seen.byAnnotation(SERVICE, "e2e-orders").orElseThrow();
        assertThat(orders.key()).isEqualTo("public/e2e-orders.default-group");
        assertThat(orders.resourceVersion()).isNotEmpty();
        JsonNode spec = orders.spec();
        assertThat(texts(spec.path("hosts"))).containsExactly("e2e-orders.default-group.public.nacos");
        assertThat(spec.path("ports")).hasSize(1);
        JsonNode port = spec.path("ports").get(0);
        assertThat(port.path("number").asInt()).isEqualTo(9090);
        assertThat(port.path("protocol").asText()).isEqualTo("GRPC");
        assertThat(port.path("name").asText()).isEqualTo("grpc-9090");
        assertThat(enumName(spec.path("location"), "MESH_EXTERNAL")).isEqualTo("MESH_INTERNAL");
        assertThat(enumName(spec.path("resolution"), "NONE")).isEqualTo("STATIC");
        Map<String, JsonNode> endpoints = endpointsByAddress(spec);
        assertThat(endpoints).containsOnlyKeys("10.100.0.1", "10.100.0.2");
        assertThat(endpoints.get("10.100.0.1").path("ports").isEmpty()).isTrue();
        assertThat(endpoints.get("10.100.0.2").path("ports").path("grpc-9090").asInt()).isEqualTo(9091);
        assertThat(endpoints.get("10.100.0.2").path("weight").asInt()).isEqualTo(300);
        assertThat(endpoints.get("10.100.0.1").path("labels").path("version").asText()).isEqualTo("v1");

        JsonNode service = awaitRegistryService("e2e-orders.default-group.public.nacos");
        JsonNode registryPort = service.path("ports").get(0);
        assertThat(registryPort.path("port").asInt()).isEqualTo(9090);
        assertThat(registryPort.path("protocol").asText()).isEqualTo("GRPC");
        assertThat(service.path("Attributes").path("Namespace").asText()).isEqualTo("public");
    }

    @Test
    @Order(2)
    void registeringUpdatingAndDeregisteringReachIstiodWithinTheStatedTime() throws Exception {
        String service = "e2e-latency";
        for (int round = 1; round <= 5; round++) {
            String ip = "10.101.0." + round;
            Instance instance = instance(ip, 8080, 1, Map.of());
            naming.registerInstance(service, instance);
            measure(s -> endpoint(s, service, ip).isPresent(), "register " + ip);
            instance.setWeight(7);
            naming.registerInstance(service, instance);
            measure(s -> endpoint(s, service, ip).map(e -> e.path("weight").asInt() == 700).orElse(false),
                    "weight 7 for " + ip);
            naming.deregisterInstance(service, instance);
            measure(s -> s.byAnnotation(SERVICE, service).isPresent()
                    && endpoint(s, service, ip).isEmpty(), "deregister " + ip);
        }
        List<Long> sorted = new ArrayList<>(changeMillis);
        Collections.sort(sorted);
        System.out.printf("registry call -> istiod's configz shows it (ms, %d changes, poll %d ms): %s%n",
                sorted.size(), 20, sorted);
        assertThat(sorted.get(sorted.size() - 1)).isLessThanOrEqualTo(CHANGE_BOUND_MILLIS);
    }

    @Test
    @Order(3)
    void unchangedServiceEntriesKeepTheirResourceVersionAndAChangedOneGetsANewOne() throws Exception {
        Istiod.Seen before = istiod.awaitConfigs(SE, s -> s.byAnnotation(SERVICE, "e2e-stable-1").isPresent()
                && s.byAnnotation(SERVICE, "e2e-stable-2").isPresent(), 5_000, "e2e-stable-1 and -2");
        naming.registerInstance("e2e-stable-2", instance("10.100.1.22", 8080, 1, Map.of()));
        Istiod.Seen after = istiod.awaitConfigs(SE, s -> endpoint(s, "e2e-stable-2", "10.100.1.22").isPresent(),
                CHANGE_BOUND_MILLIS, "the new endpoint of e2e-stable-2");
        assertThat(version(after, "e2e-stable-1")).isEqualTo(version(before, "e2e-stable-1"));
        assertThat(version(after, "e2e-stable-3")).isEqualTo(version(before, "e2e-stable-3"));
        assertThat(version(after, "e2e-stable-2")).isNotEqualTo(version(before, "e2e-stable-2"));
    }

    @Test
    @Order(4)
    void aServiceOfAnotherNamespaceIsServedUnderItsOwnIstioNamespace() throws Exception {
        nacos.createNamespace("e2e-team");
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        props.put(PropertyKeyConst.NAMESPACE, "e2e-team");
        NamingService team = NamingFactory.createNamingService(props);
        try {
            team.registerInstance("e2e-billing", instance("10.102.0.1", 8443, 1, Map.of("protocol", "https")));
            Istiod.Seen seen = istiod.awaitConfigs(SE, s -> s.byAnnotation(SERVICE, "e2e-billing").isPresent(),
                    CHANGE_BOUND_MILLIS, "e2e-billing");
            IstiodConfig billing = seen.byAnnotation(SERVICE, "e2e-billing").orElseThrow();
            assertThat(billing.namespace()).isEqualTo("e2e-team");
            assertThat(texts(billing.spec().path("hosts"))).containsExactly("e2e-billing.default-group.e2e-team.nacos");
            assertThat(billing.spec().path("ports").get(0).path("protocol").asText()).isEqualTo("HTTPS");
            assertThat(awaitRegistryService("e2e-billing.default-group.e2e-team.nacos").path("Attributes")
                    .path("Namespace").asText()).isEqualTo("e2e-team");
        } finally {
            team.shutDown();
        }
    }

    /**
     * Istio documents published to Nacos config (group {@code istio}) reach istiod with their spec; a broken
     * update is refused and the last accepted version stays in istiod; deleting the config removes them.
     */
    @Test
    @Order(5)
    void istioDocumentsPublishedInNacosConfigReachIstiodAndABrokenUpdateHarmsNothing() throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        ConfigService config = ConfigFactory.createConfigService(props);
        try {
            assertThat(config.publishConfig("e2e-orders-mesh.yaml", "istio", ordersMesh(100, 0))).isTrue();
            long published = System.nanoTime();
            Map<String, String> expected = Map.of(
                    "VirtualService", "e2e-config/e2e-orders-route",
                    "DestinationRule", "e2e-config/e2e-orders-subsets",
                    "Gateway", "e2e-config/e2e-ingress",
                    "AuthorizationPolicy", "e2e-config/e2e-deny-admin",
                    "PeerAuthentication", "e2e-config/e2e-strict");
            long lastSeen = published;
            for (Map.Entry<String, String> kind : expected.entrySet()) {
                lastSeen = Math.max(lastSeen, istiod.awaitConfigs(kind.getKey(),
                        s -> byKey(s, kind.getValue()).isPresent(), 10_000, kind.getValue()).nanoTime());
            }
            long configMillis = TimeUnit.NANOSECONDS.toMillis(lastSeen - published);
            System.out.printf("config publish -> all five documents in istiod's configz: %d ms%n", configMillis);
            assertThat(configMillis).isLessThanOrEqualTo(CHANGE_BOUND_MILLIS);
            JsonNode route = stored("VirtualService", "e2e-config/e2e-orders-route").spec();
            assertThat(texts(route.path("hosts"))).containsExactly("e2e-orders.default-group.public.nacos");
            assertThat(route.path("http").get(0).path("route")).hasSize(2);
            JsonNode subsets = stored("DestinationRule", "e2e-config/e2e-orders-subsets").spec();
            assertThat(subsets.path("subsets")).hasSize(2);
            assertThat(subsets.path("trafficPolicy").path("tls").path("mode").asText()).isEqualTo("ISTIO_MUTUAL");
            JsonNode strict = stored("PeerAuthentication", "e2e-config/e2e-strict").spec();
            assertThat(strict.path("mtls").path("mode").asText()).isEqualTo("STRICT");
            JsonNode deny = stored("AuthorizationPolicy", "e2e-config/e2e-deny-admin").spec();
            assertThat(deny.path("action").asText()).isEqualTo("DENY");

            // Shift traffic: the new weights reach istiod.
            assertThat(config.publishConfig("e2e-orders-mesh.yaml", "istio", ordersMesh(20, 80))).isTrue();
            istiod.awaitConfigs("VirtualService", s -> byKey(s, "e2e-config/e2e-orders-route")
                    .map(c -> c.spec().path("http").get(0).path("route").get(1).path("weight").asInt() == 80)
                    .orElse(false), 5_000, "the 20/80 split");
            String acceptedVersion = stored("VirtualService", "e2e-config/e2e-orders-route").resourceVersion();

            // A typo in the route is refused by the plugin (it says so on its debug view): istiod keeps 20/80.
            String broken = ordersMesh(20, 90).replace("  - route:", "  - rout:");
            assertThat(config.publishConfig("e2e-orders-mesh.yaml", "istio", broken)).isTrue();
            awaitPluginDebug("/debug/config", "spec.http[0].rout: unknown field; did you mean route?");
            // The refusal is decided; give a wrongly sent update the time istiod needs to show it.
            Thread.sleep(500);
            IstiodConfig kept = stored("VirtualService", "e2e-config/e2e-orders-route");
            assertThat(kept.resourceVersion()).isEqualTo(acceptedVersion);
            assertThat(kept.spec().path("http").get(0).path("route").get(1).path("weight").asInt()).isEqualTo(80);

            assertThat(config.removeConfig("e2e-orders-mesh.yaml", "istio")).isTrue();
            for (Map.Entry<String, String> kind : expected.entrySet()) {
                istiod.awaitConfigs(kind.getKey(), s -> byKey(s, kind.getValue()).isEmpty(), 5_000,
                        kind.getValue() + " gone after the config was deleted");
            }
            assertThat(istiod.log().resourceProblems()).isEmpty();
        } finally {
            config.shutDown();
        }
    }

    /**
     * What Dubbo and Spring Cloud Alibaba really write into Nacos, registered with the Nacos client as they
     * register: Dubbo's interface-level provider and consumer (the URL parameters as instance metadata),
     * Dubbo 3's application-level instances with {@code dubbo.endpoints}, and Spring Cloud apps with the
     * metadata Spring Cloud Alibaba adds. istiod must store Dubbo as TCP and triple as GRPC (HTTP would
     * break every Dubbo call) and must not receive the callers.
     */
    @Test
    @Order(6)
    void dubboAndSpringCloudServicesAreStoredWithThePortsTheirProtocolsNeed() throws Exception {
        String iface = "com.example.e2e.DemoService";
        Map<String, String> url = new HashMap<>(Map.of("interface", iface, "version", "1.0.0", "methods",
                "sayHello,sayHi", "application", "e2e-dubbo-provider", "dubbo", "2.0.2", "release", "3.2.0",
                "generic", "false", "dynamic", "true", "timestamp", "1700000000000", "pid", "4242"));
        Map<String, String> consumer = new HashMap<>(url);
        consumer.putAll(Map.of("side", "consumer", "category", "consumers", "application", "e2e-dubbo-consumer"));
        url.putAll(Map.of("protocol", "dubbo", "side", "provider", "category", "providers", "anyhost", "true",
                "deprecated", "false", "path", iface));
        // The caller first: once the providers are in istiod, the plugin has also decided on it.
        naming.registerInstance("consumers:" + iface + ":1.0.0:", instance("10.102.0.9", 0, 1, consumer));
        naming.registerInstance("providers:" + iface + ":1.0.0:", instance("10.102.0.1", 20880, 1, url));
        naming.batchRegisterInstance("e2e-dubbo-app", "DEFAULT_GROUP", List.of(
                instance("10.102.1.1", 20880, 1, Map.of("dubbo.endpoints",
                        "[{\"port\":20880,\"protocol\":\"dubbo\"},{\"port\":50051,\"protocol\":\"tri\"}]",
                        "dubbo.metadata.revision", "6f1e2a", "dubbo.metadata.storage-type", "local")),
                instance("10.102.1.2", 20881, 1, Map.of("dubbo.endpoints",
                        "[{\"port\":20881,\"protocol\":\"dubbo\"},{\"port\":50051,\"protocol\":\"tri\"}]",
                        "dubbo.metadata.revision", "6f1e2a", "dubbo.metadata.storage-type", "local"))));
        Map<String, String> springCloud = Map.of("preserved.register.source", "SPRING_CLOUD",
                "management.port", "8081", "management.context-path", "/manage");
        naming.registerInstance("e2e-sc-orders", instance("10.102.2.1", 8080, 1, springCloud));
        naming.registerInstance("e2e-sc-payments", instance("10.102.2.2", 8443, 1,
                Map.of("preserved.register.source", "SPRING_CLOUD", "secure", "true")));

        String providers = "providers:" + iface + ":1.0.0:";
        Istiod.Seen seen = istiod.awaitConfigs(SE, s -> s.byAnnotation(SERVICE, providers).isPresent()
                && s.byAnnotation(SERVICE, "e2e-dubbo-app").map(c -> c.spec().path("endpoints").size() == 2)
                        .orElse(false)
                && s.byAnnotation(SERVICE, "e2e-sc-orders").isPresent()
                && s.byAnnotation(SERVICE, "e2e-sc-payments").isPresent(), 10_000, "the Dubbo and Spring Cloud services");

        JsonNode dubbo = seen.byAnnotation(SERVICE, providers).orElseThrow().spec();
        assertThat(texts(dubbo.path("hosts"))).containsExactly(
                "providers-com.example.e2e.demoservice-1.0.0.default-group.public.nacos");
        assertPorts(dubbo, "tcp-20880:20880:TCP");
        assertThat(endpointsByAddress(dubbo).get("10.102.0.1").path("labels").path("side").asText())
                .isEqualTo("provider");
        assertThat(seen.byAnnotation(SERVICE, "consumers:" + iface + ":1.0.0:")).isEmpty();
        awaitPluginDebug("/debug/skipped", "not selected: Dubbo consumers: services are callers");

        JsonNode app = seen.byAnnotation(SERVICE, "e2e-dubbo-app").orElseThrow().spec();
        // Two ports of each protocol: the tie goes alphabetically.
        assertPorts(app, "grpc-50051:50051:GRPC", "tcp-20880:20880:TCP");
        Map<String, JsonNode> appEndpoints = endpointsByAddress(app);
        assertThat(appEndpoints.get("10.102.1.1").path("ports").isEmpty()).isTrue();
        assertThat(appEndpoints.get("10.102.1.2").path("ports").path("tcp-20880").asInt()).isEqualTo(20881);
        JsonNode appService = awaitRegistryService("e2e-dubbo-app.default-group.public.nacos");
        assertThat(StreamSupport.stream(appService.path("ports").spliterator(), false)
                .map(p -> p.path("protocol").asText()).toList()).containsExactlyInAnyOrder("TCP", "GRPC");

        JsonNode orders = seen.byAnnotation(SERVICE, "e2e-sc-orders").orElseThrow().spec();
        assertPorts(orders, "http-8080:8080:HTTP");
        JsonNode ordersLabels = endpointsByAddress(orders).get("10.102.2.1").path("labels");
        assertThat(ordersLabels.path("preserved.register.source").asText()).isEqualTo("SPRING_CLOUD");
        assertThat(ordersLabels.path("management.port").asText()).isEqualTo("8081");
        // "/manage" is no label value: dropped, not sent for istiod to reject.
        assertThat(ordersLabels.has("management.context-path")).isFalse();
        assertPorts(seen.byAnnotation(SERVICE, "e2e-sc-payments").orElseThrow().spec(), "https-8443:8443:HTTPS");
        assertThat(istiod.log().resourceProblems()).isEmpty();
    }

    /**
     * The plugin labels everything {@code istio.io/rev=}{@value SharedNacos#REVISION}: an istiod of that revision
     * stores the registry's ServiceEntries, one of another revision ignores them and stores only a document
     * labelled for it. Each reads its whole ServiceEntry set from one response, so what is missing next to
     * what arrived is decided.
     */
    @Test
    @Order(7)
    void anIstiodOfTheServedRevisionStoresTheResourcesAndOneOfAnotherRevisionIgnoresThem() throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        ConfigService config = ConfigFactory.createConfigService(props);
        String otherRevision = "e2e-other";
        try {
            assertThat(config.publishConfig("e2e-revisions.yaml", "istio", """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata:
                      name: e2e-other-revision
                      namespace: e2e-config
                      labels: {istio.io/rev: %s}
                    spec:
                      hosts: [other-revision.example.com]
                      location: MESH_EXTERNAL
                      resolution: DNS
                      ports: [{number: 443, name: tls, protocol: TLS}]
                    """.formatted(otherRevision))).isTrue();
            awaitPluginDebug("/debug/config", "e2e-other-revision");
            try (Istiod same = Istiod.start(binary, IstiodOptions.mcp("revision-" + SharedNacos.REVISION + "-"
                    + nacos.version(), mcpPort).withRevision(SharedNacos.REVISION));
                    Istiod other = Istiod.start(binary, IstiodOptions.mcp("revision-" + otherRevision + "-"
                            + nacos.version(), mcpPort).withRevision(otherRevision))) {
                same.awaitSynced();
                other.awaitSynced();
                Istiod.Seen kept = same.awaitConfigs(SE, s -> s.byAnnotation(SERVICE, "e2e-orders").isPresent(),
                        10_000, "e2e-orders in the istiod of revision " + SharedNacos.REVISION);
                assertThat(kept.configs()).extracting(IstiodConfig::name).doesNotContain("e2e-other-revision");
                assertThat(kept.byAnnotation(SERVICE, "e2e-orders").orElseThrow().metadata().path("labels")
                        .path("istio.io/rev").asText()).isEqualTo(SharedNacos.REVISION);

                Istiod.Seen ignored = other.awaitConfigs(SE, s -> s.configs().stream()
                        .anyMatch(c -> c.name().equals("e2e-other-revision")), 10_000,
                        "the document labelled " + otherRevision);
                assertThat(ignored.configs()).extracting(IstiodConfig::key)
                        .containsExactly("e2e-config/e2e-other-revision");
                assertThat(other.registryHosts()).doesNotContain("e2e-orders.default-group.public.nacos")
                        .contains("other-revision.example.com");
            }
        } finally {
            config.removeConfig("e2e-revisions.yaml", "istio");
            config.shutDown();
        }
    }

    /** {@code spec.addresses} of the ServiceEntry of Nacos service {@code service}, as istiod stores it. */
    private static List<String> addresses(Istiod.Seen seen, String service) {
        List<String> addresses = new ArrayList<>();
        seen.byAnnotation(SERVICE, service).orElseThrow().spec().path("addresses").forEach(a -> addresses.add(a.asText()));
        return addresses;
    }

    private static void assertPorts(JsonNode spec, String... nameNumberProtocol) {
        assertThat(StreamSupport.stream(spec.path("ports").spliterator(), false)
                .map(p -> p.path("name").asText() + ":" + p.path("number").asInt() + ":" + p.path("protocol").asText())
                .toList()).containsExactly(nameNumberProtocol);
    }

    /** Five documents in one dataId: a weighted route, its subsets with mTLS, an ingress gateway, a deny policy, STRICT mTLS. */
    private static String ordersMesh(int v1Weight, int v2Weight) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: e2e-orders-route
                  namespace: e2e-config
                spec:
                  hosts:
                  - e2e-orders.default-group.public.nacos
                  http:
                  - route:
                    - destination:
                        host: e2e-orders.default-group.public.nacos
                        subset: v1
                      weight: %d
                    - destination:
                        host: e2e-orders.default-group.public.nacos
                        subset: v2
                      weight: %d
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: e2e-orders-subsets
                  namespace: e2e-config
                spec:
                  host: e2e-orders.default-group.public.nacos
                  trafficPolicy:
                    tls:
                      mode: ISTIO_MUTUAL
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                  - name: v2
                    labels:
                      version: v2
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: e2e-ingress
                  namespace: e2e-config
                spec:
                  selector:
                    istio: ingressgateway
                  servers:
                  - port:
                      number: 80
                      name: http
                      protocol: HTTP
                    hosts:
                    - "orders.example.com"
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: e2e-deny-admin
                  namespace: e2e-config
                spec:
                  action: DENY
                  rules:
                  - to:
                    - operation:
                        paths: ["/admin/*"]
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata:
                  name: e2e-strict
                  namespace: e2e-config
                spec:
                  mtls:
                    mode: STRICT
                """.formatted(v1Weight, v2Weight);
    }

    /** The config istiod holds now under {@code key}; it must be there. */
    private IstiodConfig stored(String kind, String key) throws Exception {
        return istiod.configs(kind).stream().filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("istiod holds no " + kind + " " + key));
    }

    private static Optional<IstiodConfig> byKey(Istiod.Seen seen, String key) {
        return seen.configs().stream().filter(c -> c.key().equals(key)).findFirst();
    }

    @Test
    @Order(90)
    void theStreamSurvivesIstiodsKeepalivePings() throws Exception {
        long connectedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - istiod.startedNanos());
        if (connectedSeconds < SOAK_SECONDS) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(SOAK_SECONDS - connectedSeconds));
        }
        System.out.printf("istiod %s kept its stream for %d s with --keepaliveInterval=%ds%n", binary.label(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - istiod.startedNanos()), KEEPALIVE.toSeconds());
        assertThat(istiod.log().keepaliveTrouble()).isEmpty();
        assertThat(istiod.log().streamClosures()).isEmpty();
        naming.registerInstance("e2e-after-soak", instance("10.103.0.1", 8080, 1, Map.of()));
        istiod.awaitConfigs(SE, s -> s.byAnnotation(SERVICE, "e2e-after-soak").isPresent(), CHANGE_BOUND_MILLIS,
                "e2e-after-soak");
    }

    /** Runs last: whatever every test (and the module's other test classes) registered was taken by istiod. */
    @Test
    @Order(99)
    void istiodLoggedNoValidationOrDecodeProblemForAnyResource() {
        assertThat(istiod.isAlive()).isTrue();
        assertThat(istiod.log().resourceProblems()).isEmpty();
        assertThat(istiod.log().lines()).isNotEmpty();
    }

    /**
     * After Nacos (and so the plugin) restarts on the same ports and data, istiod reconnects by itself and
     * converges: what clients registered again is back, what went away with the old Nacos is gone, and new
     * changes flow. One JVM cannot boot a second Nacos, so this Nacos runs in a JVM of its own.
     */
    @Test
    @Order(50)
    void afterNacosRestartsIstiodReconnectsAndConverges() throws Exception {
        Path home = Files.createTempDirectory("nacos-restart");
        int httpPort = FreePorts.nacosPair();
        int mcpPort = FreePorts.any();
        Map<String, String> properties = SharedNacos.pluginProperties(mcpPort, FreePorts.any());
        ChildNacos child = ChildNacos.start(getClass(), "restart-" + nacos.version() + "-first", home, httpPort,
                properties);
        child.awaitPluginListening(mcpPort, PLUGIN_START_MILLIS);
        NamingService stays = null;
        NamingService leaves = null;
        try (Istiod watcher = Istiod.start(binary, IstiodOptions.mcp("restart-nacos-" + nacos.version(), mcpPort))) {
            stays = namingClient(httpPort);
            leaves = namingClient(httpPort);
            stays.registerInstance("restart-stays", instance("10.104.0.1", 8080, 1, Map.of()));
            leaves.registerInstance("restart-leaves", instance("10.104.0.2", 8080, 1, Map.of()));
            watcher.awaitSynced();
            Istiod.Seen before = watcher.awaitConfigs(SE, s -> endpoint(s, "restart-stays", "10.104.0.1").isPresent()
                    && endpoint(s, "restart-leaves", "10.104.0.2").isPresent(), 10_000, "both services before the restart");
            List<String> staysVip = addresses(before, "restart-stays");
            List<String> leavesVip = addresses(before, "restart-leaves");
            assertThat(staysVip).hasSize(1).doesNotContainAnyElementsOf(leavesVip);

            child.close();
            long stopped = System.nanoTime();
            // This client's instances go with the old Nacos and are never registered again.
            leaves.shutDown();
            leaves = null;
            child = ChildNacos.start(getClass(), "restart-" + nacos.version() + "-second", home, httpPort, properties);
            child.awaitPluginListening(mcpPort, PLUGIN_START_MILLIS);
            long back = System.nanoTime();
            // istiod retries with exponential backoff (up to 60 s, jittered) while Nacos is down.
            Istiod.Seen converged = watcher.awaitConfigs(SE, s -> endpoint(s, "restart-stays", "10.104.0.1").isPresent()
                    && s.byAnnotation(SERVICE, "restart-leaves").isEmpty(), 150_000,
                    "restart-stays back (the client re-registers it) and restart-leaves gone");
            long convergedMillis = TimeUnit.NANOSECONDS.toMillis(converged.nanoTime() - stopped);
            long afterBackMillis = TimeUnit.NANOSECONDS.toMillis(converged.nanoTime() - back);
            // As istiod stores it, a host keeps its VIP across the restart (the address table lives in Nacos config).
            assertThat(addresses(converged, "restart-stays")).isEqualTo(staysVip);
            stays.registerInstance("restart-new", instance("10.104.0.3", 8080, 1, Map.of()));
            Istiod.Seen after = watcher.awaitConfigs(SE, s -> endpoint(s, "restart-new", "10.104.0.3").isPresent(),
                    CHANGE_BOUND_MILLIS, "a service registered after the restart");
            // A new host gets neither a live VIP nor the one restart-leaves freed (it is on hold for its host).
            assertThat(addresses(after, "restart-new")).hasSize(1).doesNotContainAnyElementsOf(staysVip)
                    .doesNotContainAnyElementsOf(leavesVip);
            System.out.printf("E2E-RESTART istio=%s nacos=%s stop_to_converged_ms=%d nacos_boot_ms=%d"
                    + " nacos_up_to_converged_ms=%d%n", binary.label(), nacos.version(), convergedMillis,
                    child.bootMillis(), afterBackMillis);
            assertThat(watcher.isAlive()).isTrue();
            assertThat(watcher.log().streamClosures()).as("istiod noticed the restart").isNotEmpty();
            assertThat(watcher.log().resourceProblems()).isEmpty();
        } finally {
            if (stays != null) {
                stays.shutDown();
            }
            if (leaves != null) {
                leaves.shutDown();
            }
            child.close();
            TempDirs.delete(home);
        }
    }

    /**
     * The plugin serving TLS in a Nacos of its own, with a certificate of a test CA: an istiod that trusts the
     * CA and expects the certificate's name syncs; one with another CA, or expecting another name, does not,
     * and the plugin logs the failed handshakes with the peer. A rotated certificate is loaded without a restart:
     * new connections get it, the live stream goes on.
     */
    @Test
    @Order(60)
    void overTlsOnlyAnIstiodTrustingTheCaAndNameSyncsAndARotatedCertificateIsServedWithoutARestart()
            throws Exception {
        Path home = Files.createTempDirectory("nacos-tls");
        Path tls = Files.createTempDirectory("nacos-tls-files");
        Path cert = tls.resolve("mcp.pem");
        Path key = tls.resolve("mcp.key");
        TestCertificates.Authority ca = TestCertificates.authority("nacos-mesh-test-ca");
        TestCertificates.Authority otherCa = TestCertificates.authority("another-test-ca");
        TestCertificates.Issued first = ca.issue(TLS_NAME, "127.0.0.1");
        first.write(cert, key);
        int httpPort = FreePorts.nacosPair();
        int mcpPort = FreePorts.any();
        int pluginDebugPort = FreePorts.any();
        Map<String, String> properties = SharedNacos.pluginProperties(mcpPort, pluginDebugPort);
        properties.put("nacos.mesh.mcp.tls.cert-chain-file", cert.toString());
        properties.put("nacos.mesh.mcp.tls.private-key-file", key.toString());
        properties.put("nacos.mesh.mcp.tls.reload-interval", "200ms");
        ChildNacos child = ChildNacos.start(getClass(), "tls-" + nacos.version(), home, httpPort, properties);
        child.awaitPluginListening(mcpPort, PLUGIN_START_MILLIS);
        NamingService client = null;
        try {
            client = namingClient(httpPort);
            client.registerInstance("tls-orders", instance("10.105.0.1", 8080, 1, Map.of()));
            try (Istiod trusting = Istiod.start(binary, IstiodOptions.mcpTls("tls-trusting-nacos-" + nacos.version(),
                    mcpPort, List.of(new ConfigSourceTls(ca.pem(), List.of(TLS_NAME)))))) {
                trusting.awaitSynced();
                trusting.awaitConfigs(SE, s -> endpoint(s, "tls-orders", "10.105.0.1").isPresent(), 10_000,
                        "tls-orders, over TLS");

                // istiod gives up at start (exits) when a config source's handshake fails.
                refusedAtStart(mcpPort, new ConfigSourceTls(otherCa.pem(), List.of(TLS_NAME)), "another-ca",
                        "certificate signed by unknown authority");
                refusedAtStart(mcpPort, new ConfigSourceTls(ca.pem(), List.of("another-name.mesh.test")), "another-name",
                        "no matching SAN found");
                List<String> logged = child.awaitLogLines("TLS handshake with MCP client /127.0.0.1:", 1, 10_000);
                System.out.printf("the plugin logged the refused handshakes: %s%n", logged);
                assertThat(pluginMetric(pluginDebugPort, "nacos_mesh_mcp_tls_handshake_failures_total"))
                        .isGreaterThanOrEqualTo(2);
                assertThat(pluginMetric(pluginDebugPort, "nacos_mesh_mcp_streams")).as("only the trusting istiod")
                        .isEqualTo(1);

                TestCertificates.Issued second = ca.issue(TLS_NAME, "127.0.0.1");
                second.write(cert, key);
                child.awaitLogLines("MCP TLS certificate reloaded", 1, 10_000);
                assertThat(servedSerial(mcpPort, ca)).as("a new connection gets the rotated certificate")
                        .isEqualTo(second.serial()).isNotEqualTo(first.serial());
                client.registerInstance("tls-after-rotation", instance("10.105.0.2", 8080, 1, Map.of()));
                trusting.awaitConfigs(SE, s -> endpoint(s, "tls-after-rotation", "10.105.0.2").isPresent(),
                        CHANGE_BOUND_MILLIS, "a service registered after the rotation, on the live stream");
                assertThat(trusting.log().streamClosures()).as("the live stream survived the rotation").isEmpty();
                assertThat(trusting.log().resourceProblems()).isEmpty();
            }
        } finally {
            if (client != null) {
                client.shutDown();
            }
            child.close();
            TempDirs.delete(home);
            TempDirs.delete(tls);
        }
    }

    /** Starts an istiod whose only config source is the TLS plugin with {@code tls}; it must refuse and exit. */
    private void refusedAtStart(int mcpPort, ConfigSourceTls tls, String name, String istiodSays) throws Exception {
        try (Istiod refusing = Istiod.start(binary, IstiodOptions.mcpTls("tls-" + name + "-nacos-" + nacos.version(),
                mcpPort, List.of(tls)))) {
            assertThat(refusing.exitWithin(Duration.ofSeconds(60))).as("istiod with " + name + " gives up").isPresent();
            assertThat(refusing.log().containing(List.of(istiodSays))).as("istiod with " + name + " says why")
                    .isNotEmpty();
            assertThat(refusing.log().containing(List.of(IstiodLog.SYNCED))).isEmpty();
        }
    }

    /** The serial number of the certificate a new TLS connection to the MCP port is given. */
    private static java.math.BigInteger servedSerial(int mcpPort, TestCertificates.Authority ca) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket("127.0.0.1", mcpPort)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** One unlabelled value of the plugin's Prometheus text on its debug port. */
    private static double pluginMetric(int pluginDebugPort, String name) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + pluginDebugPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("the plugin's /metrics has no " + name + ":\n" + body);
    }

    /** Waits until istiod shows what the registry call that just returned should lead to; records how long. */
    private void measure(Predicate<Istiod.Seen> shows, String what) throws Exception {
        long changed = System.nanoTime();
        Istiod.Seen seen = istiod.awaitConfigs(SE, shows, 10_000, what);
        changeMillis.add(TimeUnit.NANOSECONDS.toMillis(seen.nanoTime() - changed));
    }

    private JsonNode awaitRegistryService(String host) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHANGE_BOUND_MILLIS);
        List<JsonNode> services;
        do {
            services = istiod.registry();
            for (JsonNode service : services) {
                if (host.equals(service.path("hostname").asText())) {
                    return service;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("istiod's registry has no " + host + "; it has "
                + services.stream().map(s -> s.path("hostname").asText()).toList());
    }

    private void awaitPluginDebug(String path, String fragment) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String body;
        do {
            body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + debugPort + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains(fragment)) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the plugin's " + path + " does not mention '" + fragment + "': " + body);
    }

    private static NamingService namingClient(int httpPort) throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + httpPort);
        // The client's 3 s default is too short for a Nacos that has just restarted on a busy machine.
        props.put("namingRequestTimeout", "10000");
        return NamingFactory.createNamingService(props);
    }

    private static Optional<JsonNode> endpoint(Istiod.Seen seen, String service, String address) {
        return seen.byAnnotation(SERVICE, service).flatMap(c -> Optional.ofNullable(endpointsByAddress(c.spec()).get(address)));
    }

    private static Map<String, JsonNode> endpointsByAddress(JsonNode spec) {
        Map<String, JsonNode> byAddress = new HashMap<>();
        spec.path("endpoints").forEach(e -> byAddress.put(e.path("address").asText(), e));
        return byAddress;
    }

    private static String version(Istiod.Seen seen, String service) {
        return seen.byAnnotation(SERVICE, service).orElseThrow().resourceVersion();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** istiod's JSON leaves out enum fields at their zero value. */
    private static String enumName(JsonNode node, String zeroValue) {
        return node.isMissingNode() || node.isNull() ? zeroValue : node.asText();
    }
}
