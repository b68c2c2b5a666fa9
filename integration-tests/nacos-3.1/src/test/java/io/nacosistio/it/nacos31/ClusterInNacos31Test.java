package io.nacosistio.it.nacos31;

import io.nacosistio.it.ClusterContract;
import io.nacosistio.it.NacosLauncher;

import java.util.Map;

/** The plugin in a three-member Nacos 3.1 cluster, each member in a JVM of its own. */
class ClusterInNacos31Test extends ClusterContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos31UnderTest::start;
    }

    @Override
    protected String clusterMembersPath() {
        return "/nacos/v3/admin/core/cluster/node/list";
    }

    /**
     * Nacos 3's namespace migration checks the config tables through the config Raft group at boot and gives up
     * after this many one-second retries (3 by default), failing the boot: members booting together on a busy
     * machine elect a leader later than that.
     */
    @Override
    protected Map<String, String> clusterProperties() {
        return Map.of("nacos.namespace.migrate.retry.times", "120");
    }

    @Override
    protected String nacosVersion() {
        return "3.1";
    }
}
