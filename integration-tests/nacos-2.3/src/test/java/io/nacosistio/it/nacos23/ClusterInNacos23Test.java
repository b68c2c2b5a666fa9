package io.nacosistio.it.nacos23;

import io.nacosistio.it.ClusterContract;
import io.nacosistio.it.NacosLauncher;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The plugin in a three-member Nacos 2.3 cluster, each member in a JVM of its own (Java 17, as the test JVM).
 * The test command runs the cluster smoke on Nacos 3.1 only, to keep CI within its time; this class runs in
 * {@code e2e/run-matrix.sh}, which sets {@code e2e.cluster.rolling}.
 */
@EnabledIfSystemProperty(named = "e2e.cluster.rolling", matches = "true",
        disabledReason = "the Nacos 2.3 cluster runs in e2e/run-matrix.sh (-De2e.cluster.rolling=true); CI runs 3.1's")
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
