package io.nacosistio.bench;

import io.nacosistio.it.NacosLauncher;
import io.nacosistio.it.NacosUnderTest;
import io.nacosistio.quickstart.Nacos31Server;

import java.nio.file.Path;
import java.util.Map;

/**
 * Boots one cluster member of the benchmark in its own JVM ({@link io.nacosistio.it.ChildNacosMain} names this
 * class): Nacos 3.1 as the quick start boots it, the plugin on the class path. The benchmark reaches a member
 * only over the network (Nacos client, MCP, jcmd), so it offers none of the test operations.
 */
public final class ClusterBenchMember implements NacosLauncher.Provider {

    @Override
    public NacosLauncher nacosLauncher() {
        return ClusterBenchMember::start;
    }

    private static NacosUnderTest start(Path home, int httpPort, Map<String, String> properties) throws Exception {
        Nacos31Server server = Nacos31Server.start(home, false, httpPort, properties);
        return new NacosUnderTest() {
            @Override
            public String version() {
                return "3.1";
            }

            @Override
            public int httpPort() {
                return server.httpPort();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
