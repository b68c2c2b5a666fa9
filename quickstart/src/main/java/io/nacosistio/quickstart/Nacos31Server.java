package io.nacosistio.quickstart;

import com.alibaba.nacos.NacosServerBasicApplication;
import com.alibaba.nacos.NacosServerWebApplication;
import com.alibaba.nacos.core.listener.startup.NacosStartUp;
import com.alibaba.nacos.core.listener.startup.NacosStartUpManager;
import com.alibaba.nacos.sys.env.DeploymentType;
import com.alibaba.nacos.sys.env.EnvUtil;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Nacos 3.1 server started in this JVM the way Nacos's own {@code NacosBootstrap} starts it in
 * "server" deployment (no console): startup phases through {@code NacosStartUpManager}, then the core
 * context ({@code NacosServerBasicApplication}, no web server) and the server web context
 * ({@code NacosServerWebApplication}) as its child. Standalone, embedded Derby storage under a home
 * directory, auth off; or, with {@code nacos.standalone=false}, a member of a cluster: the members listed in
 * {@code <home>/conf/cluster.conf}, embedded Derby replicated over JRaft (Raft on the HTTP port minus 1000,
 * cluster gRPC on the HTTP port plus 1001). Whatever jars are on the class path (the plugin among them) are loaded the way
 * Nacos loads {@code plugins/*.jar}.
 *
 * <p>What it takes, since the republished 3.1 artifacts have no {@code nacos-bootstrap} (its main class and
 * its {@code application.properties}):
 * <ul>
 *   <li>The bootstrap's properties come from this module's {@code application.properties}: Nacos reads
 *   {@code /application.properties} from the class path when {@code ${nacos.home}/conf} has none.</li>
 *   <li>{@code nacos.home}, {@code nacos.standalone}, {@code nacos.deployment.type} and the log path are
 *   system properties: Nacos reads them in static initialisers and startup phases before Spring's
 *   environment exists. The deployment type is also set on {@code EnvUtil} directly, as the bootstrap's
 *   main does, because the console context is left out.</li>
 *   <li>{@code ${nacos.home}/conf} is created: Nacos watches it for changes to application.properties.</li>
 *   <li>The embedded database schema is nacos-config's {@code META-INF/derby-schema.sql}; the console
 *   module (its UI, the AI registry, Kubernetes sync) is not needed and not on the class path.</li>
 *   <li>The ports are Spring properties ({@code nacos.server.main.port}); gRPC always listens on the HTTP
 *   port plus 1000.</li>
 * </ul>
 *
 * <p>Nacos keeps process-wide static state (notify center, environment, executors), and a failed or closed
 * Nacos shuts parts of it down: one JVM runs at most one of these, once.
 */
public final class Nacos31Server implements AutoCloseable {

    /** {@code false} makes this Nacos a cluster member; see {@link ClusterMembers}. */
    public static final String STANDALONE = "nacos.standalone";
    /** The member's own address, as {@code cluster.conf} names it. */
    public static final String SERVER_IP = "nacos.server.ip";

    private final Path home;
    private final boolean deleteHomeOnClose;
    private final int httpPort;
    private final Map<String, String> properties;
    private ConfigurableApplicationContext core;
    private ConfigurableApplicationContext web;

    private Nacos31Server(Path home, boolean deleteHomeOnClose, int httpPort, Map<String, String> properties) {
        this.home = home;
        this.deleteHomeOnClose = deleteHomeOnClose;
        this.httpPort = httpPort;
        this.properties = properties;
    }

    /**
     * Starts Nacos. The gRPC port is {@code httpPort + 1000}, as in every Nacos.
     *
     * @param home        Nacos home (embedded database, logs); created if missing
     * @param deleteHome  delete the home directory on close (tests)
     * @param properties  extra properties, e.g. {@code nacos.mesh.mcp.port}
     */
    public static Nacos31Server start(Path home, boolean deleteHome, int httpPort, Map<String, String> properties)
            throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Nacos31Server server = new Nacos31Server(home, deleteHome, httpPort, new LinkedHashMap<>(properties));
        server.boot();
        return server;
    }

    private void boot() {
        // Read by Nacos before Spring starts (EnvUtil, startup phases, logging).
        System.setProperty("nacos.home", home.toString());
        boolean standalone = !"false".equals(properties.get(STANDALONE));
        System.setProperty(STANDALONE, Boolean.toString(standalone));
        if (!standalone) {
            // A cluster member: its embedded Derby is replicated over JRaft (Nacos asks for this system property).
            System.setProperty("embeddedStorage", "true");
        }
        if (properties.containsKey(SERVER_IP)) {
            // The address this member has in cluster.conf; read before Spring's environment exists.
            System.setProperty(SERVER_IP, properties.get(SERVER_IP));
        }
        System.setProperty("nacos.deployment.type", "server");
        System.setProperty("nacos.server.main.port", Integer.toString(httpPort));
        if (System.getProperty("nacos.logs.path") == null) {
            // Server logs; tests point them into the build directory, since appenders outlive close().
            System.setProperty("nacos.logs.path", home.resolve("logs").toString());
        }
        if (System.getProperty("JM.LOG.PATH") == null) {
            // Nacos client logs; tests point them into the build directory, which outlives the home.
            System.setProperty("JM.LOG.PATH", home.resolve("logs").toString());
        }
        System.setProperty("nacos.core.auth.enabled", "false");
        EnvUtil.setDeploymentType(DeploymentType.SERVER);
        String[] args = arguments();
        try {
            NacosStartUpManager.start(NacosStartUp.CORE_START_UP_PHASE);
            core = new SpringApplicationBuilder(NacosServerBasicApplication.class).web(WebApplicationType.NONE)
                    .bannerMode(Banner.Mode.OFF).run(args);
            NacosStartUpManager.start(NacosStartUp.WEB_START_UP_PHASE);
            web = new SpringApplicationBuilder(NacosServerWebApplication.class).parent(core)
                    .bannerMode(Banner.Mode.OFF).run(args);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private String[] arguments() {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("nacos.server.main.port", Integer.toString(httpPort));
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : all.entrySet()) {
            args.add("--" + e.getKey() + "=" + e.getValue());
        }
        return args.toArray(new String[0]);
    }

    public int httpPort() {
        return httpPort;
    }

    public int grpcPort() {
        return httpPort + 1000;
    }

    /** The core context (Nacos's naming and config beans, and the plugin). */
    public ConfigurableApplicationContext coreContext() {
        return core;
    }

    @Override
    public void close() {
        if (web != null) {
            web.close();
            web = null;
        }
        if (core != null) {
            core.close();
            core = null;
        }
        if (deleteHomeOnClose) {
            deleteRecursively(home);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir left behind is not worth failing a shutdown for
        }
    }
}
