package io.nacosistio.it.distribution31;

import io.nacosistio.it.DistributionContract;
import io.nacosistio.it.FreePorts;
import io.nacosistio.it.NacosDistribution;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drop-in jar in a Nacos 3.1 distribution started by its start script's options ({@code -d server}), and in
 * the console-only deployment ({@code -d console}), where it stays off.
 */
class Nacos31DistributionTest extends DistributionContract {

    @Override
    protected Path serverJar() {
        return Paths.get(System.getProperty("nacos.server.jar"));
    }

    @Override
    protected NacosDistribution.StartScript startScript() {
        return NacosDistribution.StartScript.NACOS_3_1_SERVER;
    }

    /**
     * The settings of Nacos 3.1's {@code conf/application.properties} a standalone start needs: its port and
     * context path, the embedded-storage and naming defaults, auth as shipped (off for clients) with the three
     * values the start script makes an operator fill in, the built-in istio module off, and the Prometheus
     * endpoint switched on the way the file's commented-out line does.
     */
    @Override
    protected String applicationProperties(int httpPort) {
        return """
                nacos.server.main.port=%d
                nacos.server.contextPath=/nacos
                nacos.naming.empty-service.auto-clean=true
                nacos.naming.empty-service.clean.initial-delay-ms=50000
                nacos.naming.empty-service.clean.period-time-ms=30000
                management.endpoints.web.exposure.include=prometheus
                management.metrics.export.elastic.enabled=false
                management.metrics.export.influx.enabled=false
                server.error.include-message=ALWAYS
                nacos.security.ignore.urls=/,/error,/**/*.css,/**/*.js,/**/*.html,/**/*.map,/**/*.svg,/**/*.png,/**/*.ico,/console-ui/public/**,/v1/auth/**,/v1/console/health/**,/actuator/**,/v1/console/server/**
                nacos.core.auth.system.type=nacos
                nacos.core.auth.enabled=false
                nacos.core.auth.admin.enabled=true
                nacos.core.auth.console.enabled=true
                nacos.core.auth.server.identity.key=distribution-test
                nacos.core.auth.server.identity.value=distribution-test
                nacos.core.auth.plugin.nacos.token.secret.key=VGhpc0lzTXlDdXN0b21TZWNyZXRLZXkwMTIzNDU2Nzg=
                nacos.istio.mcp.server.enabled=false
                nacos.k8s.sync.enabled=false
                nacos.deployment.type=merged
                # Embedded Derby gets 3 s to open by default; a first start on a busy machine takes longer.
                db.pool.config.connectionTimeout=60000
                """.formatted(httpPort);
    }

    /**
     * The console alone ({@code bin/startup.sh -d console}) holds no naming or config data: with the plugin installed
     * and enabled it loads the plugin from plugins/ (Spring Boot's auto-configuration finds it), which logs one
     * line saying why it stays off and opens no port, while the console serves.
     */
    @Test
    void inTheConsoleOnlyDeploymentThePluginStaysOffWithOneLineSayingWhy() throws Exception {
        File pluginJar = pluginJar();
        int consolePort = FreePorts.any();
        int httpPort = FreePorts.nacosPair();
        int mcpPort = FreePorts.any();
        int debugPort = FreePorts.any();
        try (NacosDistribution console = NacosDistribution.layOut(NacosDistribution.StartScript.NACOS_3_1_CONSOLE,
                serverJar(), applicationProperties(httpPort))) {
            // The servers the console reaches (it reads their member list to find them); none runs here, and the
            // console starts without them.
            Files.write(console.home().resolve("conf").resolve("cluster.conf"), List.of("127.0.0.1:" + httpPort));
            console.install(pluginJar.toPath());
            console.setProperties(Map.of("nacos.mesh.mcp.port", Integer.toString(mcpPort),
                    "nacos.mesh.debug.port", Integer.toString(debugPort),
                    "nacos.console.port", Integer.toString(consolePort)));
            System.out.println("starting: " + String.join(" ", console.command()));
            console.start(consolePort, "/v3/console/health/liveness");
            List<String> off = awaitPluginLines(console, "nacos-istio-plugin is off", 60_000);
            System.out.println(off.get(0));
            assertThat(off.get(0)).contains("this Nacos process is a console only (nacos.deployment.type=console)");
            assertThat(pluginLines(console, "nacos-istio-plugin")).as("everything the plugin logged")
                    .allSatisfy(line -> assertThat(line).contains("nacos-istio-plugin is off"));
            for (String file : List.of("start.out", "nacos.log")) {
                if (console.home().resolve("logs").resolve(file).toFile().exists()) {
                    assertThat(console.logLines(file, "nacos-istio-plugin")).as("the plugin's lines in " + file)
                            .hasSizeLessThanOrEqualTo(1);
                }
            }
            String installedJar = console.home().resolve("plugins").resolve(pluginJar.getName()).toString();
            assertThat(console.logLines("class-load.log", " io.nacosistio.plugin.spring.MeshPluginLifecycle source: "))
                    .as("the plugin was loaded from plugins/").singleElement()
                    .satisfies(line -> assertThat(line).contains(installedJar));
            assertThat(console.logLines("class-load.log", " io.nacosistio.plugin.server.McpServer source: "))
                    .as("nothing of the MCP server was loaded").isEmpty();
            for (int port : List.of(mcpPort, debugPort)) {
                assertThat(listening(port)).as("port " + port + " of the plugin").isFalse();
            }
        }
    }

    /** The plugin's lines in the console's output and in its nacos.log (whichever the console's logging uses). */
    private static List<String> pluginLines(NacosDistribution nacos, String fragment) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String file : List.of("start.out", "nacos.log")) {
            if (nacos.home().resolve("logs").resolve(file).toFile().exists()) {
                lines.addAll(nacos.logLines(file, fragment));
            }
        }
        return lines;
    }

    private static List<String> awaitPluginLines(NacosDistribution nacos, String fragment, long timeoutMillis)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<String> lines;
        while ((lines = pluginLines(nacos, fragment)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line with '" + fragment + "' within " + timeoutMillis + " ms; the"
                        + " plugin logged: " + pluginLines(nacos, "nacos-istio-plugin"));
            }
            Thread.sleep(100);
        }
        return lines;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
