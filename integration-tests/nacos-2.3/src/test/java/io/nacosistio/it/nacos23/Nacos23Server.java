package io.nacosistio.it.nacos23;

import com.alibaba.nacos.sys.filter.NacosTypeExcludeFilter;
import io.nacosistio.it.NacosUnderTest;
import org.springframework.boot.Banner;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.web.servlet.ServletComponentScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Nacos 2.3 server in this JVM, standalone with embedded Derby storage, on Java 17; with
 * {@code nacos.standalone=false} a cluster member instead (members from {@code <home>/conf/cluster.conf},
 * embedded Derby replicated over JRaft).
 *
 * <p>Nacos 2.3's server is assembled by its console module, whose {@code com.alibaba.nacos.Nacos} main class
 * and {@code application.properties} the republished 2.3 artifacts lack. This class takes the main class's
 * place with the same annotations: component scan of {@code com.alibaba.nacos} through Nacos's own module
 * filter ({@code NacosTypeExcludeFilter} switches modules on and off), Boot's two standard exclusions,
 * servlet components (Nacos's filters are {@code @WebFilter}s) and scheduling. The console's properties
 * live in this module's test resources; see the comments there.
 *
 * <p>Other tricks, each needed to boot:
 * <ul>
 *   <li>{@code nacos.home}, {@code nacos.standalone} and the log path are system properties, not Spring
 *   properties: Nacos reads them in static initialisers and logging setup before Spring's environment
 *   exists.</li>
 *   <li>The embedded database schema comes from nacos-config's {@code META-INF/derby-schema.sql}. Its first
 *   line has a stray "build" before the licence comment, so its first statement ({@code CREATE SCHEMA})
 *   fails; Nacos logs and skips failing statements, and Derby creates the schema with the first table.</li>
 *   <li>{@code JM.LOG.PATH}: the Nacos client (same JVM) logs there, and its appenders keep writing while
 *   the JVM exits, so tests point it into the build directory rather than the temporary home.</li>
 * </ul>
 */
@SpringBootApplication
@ComponentScan(basePackages = "com.alibaba.nacos", excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {NacosTypeExcludeFilter.class}),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {TypeExcludeFilter.class}),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = {AutoConfigurationExcludeFilter.class})})
@ServletComponentScan(basePackages = "com.alibaba.nacos")
@EnableScheduling
public class Nacos23Server implements NacosUnderTest {

    private ConfigurableApplicationContext context;
    private int httpPort;

    /**
     * Boots Nacos 2.3 with HTTP on {@code httpPort} and gRPC on {@code httpPort + 1000}; {@code properties}
     * are passed as Spring properties (they win over the test resources' application.properties).
     */
    public static NacosUnderTest start(Path home, int httpPort, Map<String, String> properties) {
        System.setProperty("nacos.home", home.toString());
        boolean standalone = !"false".equals(properties.get("nacos.standalone"));
        System.setProperty("nacos.standalone", Boolean.toString(standalone));
        if (!standalone) {
            // A cluster member (members in <home>/conf/cluster.conf): embedded Derby replicated over JRaft.
            System.setProperty("embeddedStorage", "true");
        }
        if (properties.containsKey("nacos.server.ip")) {
            // The member's own address as cluster.conf names it; read before Spring's environment exists.
            System.setProperty("nacos.server.ip", properties.get("nacos.server.ip"));
        }
        if (System.getProperty("nacos.logs.path") == null) {
            // Server logs; tests point them into the build directory, since appenders outlive close().
            System.setProperty("nacos.logs.path", home.resolve("logs").toString());
        }
        if (System.getProperty("JM.LOG.PATH") == null) {
            System.setProperty("JM.LOG.PATH", home.resolve("logs").toString());
        }
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + httpPort);
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        Nacos23Server server = new Nacos23Server();
        server.httpPort = httpPort;
        server.context = new SpringApplicationBuilder(Nacos23Server.class).bannerMode(Banner.Mode.OFF)
                .run(args.toArray(new String[0]));
        return server;
    }

    @Override
    public String version() {
        return "2.3";
    }

    @Override
    public int httpPort() {
        return httpPort;
    }

    @Override
    public String namingAdminPath() {
        return "/nacos/v2/ns";
    }

    @Override
    public void createNamespace(String namespaceId) {
        // Nothing to do: Nacos 2.3 creates namespaces through its console only, and naming accepts any id.
    }

    @Override
    public void publishTaggedConfig(String group, String dataId, String content, String tags) throws Exception {
        java.util.List<String> form = java.util.List.of("dataId", dataId, "group", group, "content", content, "config_tags", tags);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.size(); i += 2) {
            body.append(i == 0 ? "" : "&").append(form.get(i)).append('=')
                    .append(java.net.URLEncoder.encode(form.get(i + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        java.net.http.HttpResponse<String> published = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort() + "/nacos/v1/cs/configs"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (published.statusCode() != 200) {
            throw new IllegalStateException("publishing config " + dataId + " failed: " + published.body());
        }
    }

    @Override
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
