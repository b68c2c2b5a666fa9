package io.nacosistio.it.nacos31;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import io.nacosistio.it.ChildNacos;
import io.nacosistio.it.FreePorts;
import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.SharedNacos;
import io.nacosistio.it.TempDirs;
import io.nacosistio.it.istiod.Istiod;
import io.nacosistio.it.istiod.IstiodBinary;
import io.nacosistio.it.istiod.IstiodConfig;
import io.nacosistio.it.istiod.IstiodOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.nacosistio.it.Instances.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same istiod build against the plugin and against Nacos's built-in istio module, both switched on in one
 * Nacos 3.1 over the same registry, each on its own port: what each istiod received. Part of the matrix command
 * ({@code -De2e.side-by-side=true}), not of the test command: it waits out the built-in module's sync, which
 * never completes on istiod 1.24+.
 *
 * <p>Asserts the plugin's half; prints the built-in module's half as a {@code SIDE-BY-SIDE} line for the
 * README's table.
 */
@EnabledIfSystemProperty(named = "e2e.side-by-side", matches = "true")
class BuiltInModuleSideBySideTest implements NacosLauncher.Provider {

    private static final List<String> SERVICES = List.of("sbs-orders", "sbs-web", "sbs-cache");
    private static final Duration BUILT_IN_SYNC_WAIT = Duration.ofSeconds(45);
    private static final long KEEPALIVE_WATCH_MILLIS = 40_000;

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }

    @Test
    void sameRegistrySameIstiodPluginVersusBuiltInModule() throws Exception {
        IstiodBinary binary = IstiodBinary.selected();
        Path home = Files.createTempDirectory("nacos-side-by-side");
        int httpPort = FreePorts.nacosPair();
        int pluginPort = FreePorts.any();
        int builtInPort = FreePorts.any();
        Map<String, String> properties = SharedNacos.pluginProperties(pluginPort, FreePorts.any());
        properties.put("nacos.extension.naming.istio.enabled", "true");
        properties.put("nacos.istio.mcp.server.enabled", "true");
        properties.put("nacos.istio.mcp.server.port", Integer.toString(builtInPort));
        Properties clientProps = new Properties();
        clientProps.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + httpPort);
        NamingService naming = null;
        try (ChildNacos nacos = ChildNacos.start(getClass(), "side-by-side", home, httpPort, properties)) {
            naming = NamingFactory.createNamingService(clientProps);
            naming.batchRegisterInstance("sbs-orders", "DEFAULT_GROUP", List.of(
                    instance("10.110.0.1", 9090, 1, Map.of("protocol", "grpc")),
                    instance("10.110.0.2", 9090, 1, Map.of("protocol", "grpc"))));
            naming.registerInstance("sbs-web", instance("10.110.1.1", 8080, 1, Map.of()));
            naming.registerInstance("sbs-cache", instance("10.110.2.1", 6379, 1, Map.of("protocol", "redis")));
            Duration keepalive = Duration.ofSeconds(10);
            try (Istiod plugin = Istiod.start(binary, IstiodOptions.mcp("side-by-side-plugin", pluginPort)
                    .withKeepaliveInterval(keepalive));
                    Istiod builtIn = Istiod.start(binary, IstiodOptions.mcp("side-by-side-built-in", builtInPort)
                            .withKeepaliveInterval(keepalive))) {
                long pluginSync = plugin.awaitSynced();
                boolean builtInSynced = builtIn.syncedWithin(BUILT_IN_SYNC_WAIT);
                // Both have had time to receive everything and to be pinged a few times.
                Thread.sleep(KEEPALIVE_WATCH_MILLIS);
                Outcome ours = Outcome.of(plugin, true);
                Outcome theirs = Outcome.of(builtIn, builtInSynced);
                System.out.printf("SIDE-BY-SIDE istio=%s nacos=3.1 server=plugin %s sync_ms=%d%n", binary.label(), ours,
                        pluginSync);
                System.out.printf("SIDE-BY-SIDE istio=%s nacos=3.1 server=built-in %s%n", binary.label(), theirs);
                System.out.printf("types istiod received (resource count of the latest response): plugin %s; built-in %s%n",
                        plugin.log().received(), builtIn.log().received());
                System.out.printf("built-in module's ServiceEntries as istiod stored them: %s%n",
                        builtIn.configs("ServiceEntry").stream().map(c -> c.key() + " " + c.spec()).toList());
                System.out.printf("built-in module: istiod log lines about its resources: %s%n",
                        builtIn.log().resourceProblems().stream().limit(5).toList());
                assertThat(ours.ourServices()).isEqualTo(SERVICES.size());
                assertThat(ours.problems()).isZero();
                assertThat(ours.keepaliveTrouble()).isZero();
            }
        } finally {
            if (naming != null) {
                naming.shutDown();
            }
            TempDirs.delete(home);
        }
    }

    /** What one istiod got from one MCP server. */
    private record Outcome(boolean synced, int typesAnswered, int serviceEntries, int ourServices, int problems,
            int keepaliveTrouble, int streamClosures) {

        static Outcome of(Istiod istiod, boolean synced) throws Exception {
            List<IstiodConfig> entries = istiod.configs("ServiceEntry");
            int ours = (int) entries.stream().filter(c -> SERVICES.stream().anyMatch(s -> c.name().startsWith(s)
                    || c.spec().path("hosts").toString().contains(s))).count();
            return new Outcome(synced, istiod.log().received().size(), entries.size(), ours, istiod.log().resourceProblems().size(),
                    istiod.log().keepaliveTrouble().size(), istiod.log().streamClosures().size());
        }

        @Override
        public String toString() {
            return "synced=" + synced + " types_answered=" + typesAnswered + " service_entries=" + serviceEntries + " of_" + SERVICES.size()
                    + "_registered=" + ourServices + " rejected_log_lines=" + problems + " keepalive_goaway_lines="
                    + keepaliveTrouble + " stream_closures=" + streamClosures;
        }
    }

}
