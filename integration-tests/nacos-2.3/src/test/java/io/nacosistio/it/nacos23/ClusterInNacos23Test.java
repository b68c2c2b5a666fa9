package io.nacosistio.it.nacos23;

import io.nacosistio.it.ClusterContract;
import io.nacosistio.it.NacosLauncher;

/** The plugin in a three-member Nacos 2.3 cluster, each member in a JVM of its own (Java 17, as the test JVM). */
class ClusterInNacos23Test extends ClusterContract {

    @Override
    public NacosLauncher nacosLauncher() {
        return Nacos23Server::start;
    }

    @Override
    protected String clusterMembersPath() {
        return "/nacos/v2/core/cluster/node/list";
    }

    @Override
    protected String nacosVersion() {
        return "2.3";
    }
}
