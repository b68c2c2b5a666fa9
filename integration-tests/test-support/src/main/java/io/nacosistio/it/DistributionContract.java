package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;
import istio.networking.v1alpha3.WorkloadEntryOuterClass.WorkloadEntry;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drop-in jar installed the way operators install it: a Nacos laid out as its official distribution
 * ({@link NacosDistribution}), {@code bin/install-into-nacos.sh} copying the jar into {@code plugins/} and
 * appending the properties, Nacos started as a process of its own with the start script's options. The plugin
 * must then be loaded from {@code plugins/} by the launcher's class loader, answer an istiod-like client with
 * the services registered through the real Nacos client, and show its metrics at Nacos's Prometheus endpoint.
 * Each Nacos line has a subclass that names its server jar, start script and configuration.
 */
public abstract class DistributionContract {

    /** Micrometer's Prometheus text: Nacos 2.3's client ends label lists with a comma, 3.1's does not. */
    private static final java.util.regex.Pattern SERVICE_ENTRIES_IN_PUBLIC =
            java.util.regex.Pattern.compile("(?m)^nacos_mesh_serviceentries\\{namespace=\"public\",?\\} 1\\.0$");

    /** The executable server jar the module built. */
    protected abstract Path serverJar();

    protected abstract NacosDistribution.StartScript startScript();

    /**
     * The distribution's {@code conf/application.properties} before the plugin is installed: the settings of
     * that Nacos line's own file that a standalone start needs, HTTP on {@code httpPort}.
     */
    protected abstract String applicationProperties(int httpPort);

    /** The drop-in jar the build made, which the test module has on its class path only to find it. */
    protected static File pluginJar() throws Exception {
        return new File(Class.forName("io.nacosistio.plugin.spring.MeshMcpAutoConfiguration")
                .getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void thePluginInstalledIntoPluginsServesFromNacosStartedLikeTheStartScriptStartsIt() throws Exception {
        File pluginJar = pluginJar();
        int httpPort = FreePorts.nacosPair();
        int mcpPort = FreePorts.any();
        int debugPort = FreePorts.any();
        try (NacosDistribution nacos = NacosDistribution.layOut(startScript(), serverJar(),
                applicationProperties(httpPort))) {
            String installed = nacos.install(pluginJar.toPath());
            assertThat(installed).contains("copied " + pluginJar.getName());
            assertThat(nacos.home().resolve("plugins").resolve(pluginJar.getName())).exists();
            // The operator picks the plugin's ports in the properties the script appended.
            nacos.setProperties(Map.of("nacos.mesh.mcp.port", Integer.toString(mcpPort),
                    "nacos.mesh.debug.port", Integer.toString(debugPort)));
            System.out.println("starting: " + String.join(" ", nacos.command()));
            nacos.start(httpPort, "/nacos/actuator/prometheus");
            String listening = nacos.awaitLogLine("nacos.log",
                    "nacos-istio-plugin: MCP-over-XDS server listening on 0.0.0.0:" + mcpPort, 60_000);
            System.out.println(listening);

            // Loaded from plugins/ by the launcher, not from any class path of this JVM: the child's only class path
            // entry is target/nacos-server.jar, and the plugin's classes name the installed copy as their source.
            String installedJar = nacos.home().resolve("plugins").resolve(pluginJar.getName()).toString();
            for (String type : List.of("io.nacosistio.plugin.spring.MeshMcpAutoConfiguration",
                    "io.nacosistio.plugin.server.McpServer", "io.nacosistio.shaded.io.grpc.Server")) {
                List<String> loaded = nacos.logLines("class-load.log", " " + type + " source: ");
                assertThat(loaded).as("where " + type + " was loaded from").hasSize(1);
                assertThat(loaded.get(0)).contains(installedJar).doesNotContain(pluginJar.getParent());
            }
            // Every class of the plugin read from a jar (lambdas and generated proxies name their host class instead);
            // io.nacosistio.it is the executable jar's own start class.
            List<String> fromJars = nacos.logLines("class-load.log", "] io.nacosistio.").stream()
                    .filter(line -> !line.contains("] io.nacosistio.it.")).map(line -> line.substring(line.indexOf(" source: ") + 9)).filter(source -> source.contains(".jar"))
                    .toList();
            assertThat(fromJars).hasSizeGreaterThan(100).allSatisfy(source -> assertThat(source).contains(installedJar));
            assertThat(nacos.logLines("class-load.log", " com.alibaba.nacos.sys.env.EnvUtil source: "))
                    .as("Nacos's classes, from the executable jar's nested libraries").singleElement()
                    .satisfies(line -> assertThat(line).contains("nacos-server.jar"));

            Properties client = new Properties();
            client.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + httpPort);
            NamingService naming = NamingFactory.createNamingService(client);
            try (IstiodLikeClient istiod = IstiodLikeClient.connect("127.0.0.1", mcpPort, 0)) {
                // One client holds one registration per service: both instances in one batch.
                naming.batchRegisterInstance("orders", "DEFAULT_GROUP",
                        List.of(instance("10.61.0.1", 8080, 1, Map.of()), instance("10.61.0.2", 8080, 1, Map.of())));
                istiod.subscribe(IstiodLikeClient.ISTIO_124_TYPES);
                istiod.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 30_000);
                ServiceEntry orders = istiod.awaitServiceEntry("orders.default-group.public.nacos",
                        se -> se.getEndpointsCount() == 2, 30_000);
                assertThat(orders.getEndpointsList()).extracting(WorkloadEntry::getAddress)
                        .containsExactlyInAnyOrder("10.61.0.1", "10.61.0.2");
                assertThat(orders.getAddressesList()).as("a VIP from the pool").hasSize(1);

                String metrics = scrape(httpPort);
                assertThat(metrics).containsPattern(SERVICE_ENTRIES_IN_PUBLIC)
                        .containsPattern("(?m)^nacos_mesh_mcp_streams(\\{[^}]*\\})? 1\\.0$")
                        .containsPattern("(?m)^nacos_mesh_mcp_responses_total(\\{[^}]*\\})? [1-9]");
                // Nacos's own metrics are still there beside the plugin's.
                assertThat(metrics).contains("jvm_memory_used_bytes");
            } finally {
                naming.shutDown();
            }
        }
    }

    /** Nacos's Prometheus endpoint; the labelled gauges are registered on a 5 s schedule, so it is polled. */
    private static String scrape(int httpPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String body;
        do {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + httpPort + "/nacos/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            body = response.body();
            if (SERVICE_ENTRIES_IN_PUBLIC.matcher(body).find()) {
                return body;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return body;
    }
}
