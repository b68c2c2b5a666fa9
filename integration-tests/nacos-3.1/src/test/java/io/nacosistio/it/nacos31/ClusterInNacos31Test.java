package io.nacosistio.it.nacos31;

import io.nacosistio.it.ClusterContract;
import io.nacosistio.it.NacosLauncher;

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

    @Override
    protected String nacosVersion() {
        return "3.1";
    }
}
