package io.nacosistio.quickstart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a member of a Nacos cluster on one machine is laid out and configured, for the quick start's cluster and
 * the cluster tests alike. Nacos 2.3 and 3.1 derive every port of a member from its main (HTTP) port p: client
 * gRPC p + 1000, cluster gRPC p + 1001, JRaft p - 1000; the members are listed in each member's
 * {@code <home>/conf/cluster.conf} by {@code ip:p}.
 */
public final class ClusterMembers {

    /** The address every member has in cluster.conf: the cluster runs on loopback. */
    public static final String HOST = "127.0.0.1";

    private ClusterMembers() {
    }

    public static int grpcPort(int httpPort) {
        return httpPort + 1000;
    }

    public static int clusterGrpcPort(int httpPort) {
        return httpPort + 1001;
    }

    public static int raftPort(int httpPort) {
        return httpPort - 1000;
    }

    /** {@code 127.0.0.1:<http>}, as cluster.conf names a member and as a Nacos client is given it. */
    public static String address(int httpPort) {
        return HOST + ":" + httpPort;
    }

    /** Every port a member with this main port listens on. */
    public static List<Integer> nacosPorts(int httpPort) {
        return List.of(httpPort, grpcPort(httpPort), clusterGrpcPort(httpPort), raftPort(httpPort));
    }

    /** Writes {@code <home>/conf/cluster.conf}: one {@code ip:port} a line, this member's own among them. */
    public static void writeClusterConf(Path home, List<Integer> memberHttpPorts) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        List<String> lines = memberHttpPorts.stream().map(ClusterMembers::address).toList();
        Files.write(home.resolve("conf").resolve("cluster.conf"), lines, StandardCharsets.UTF_8);
    }

    /** The Nacos properties of a cluster member on this machine (the plugin's come on top). */
    public static Map<String, String> memberProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Nacos31Server.STANDALONE, "false");
        properties.put("nacos.core.member.lookup.type", "file");
        // The address cluster.conf names this member by (read before Spring's environment exists, and as Nacos's
        // own setting).
        properties.put(Nacos31Server.SERVER_IP, HOST);
        properties.put("nacos.inetutils.ip-address", HOST);
        // A member that boots before its peers finds no one to load Distro's data from and retries after this
        // delay (30 s by default); a restarted member loads from its running peers at once.
        properties.put("nacos.core.protocol.distro.data.load.retryDelayMs", "2000");
        // Three members opening embedded Derby at once on a busy machine take longer than Nacos's 3 s.
        properties.put("db.pool.config.connectionTimeout", "60000");
        // Nacos 3's namespace migration checks the config tables through the config Raft group at boot and gives
        // up after this many one-second retries (3 by default), failing the boot: members booting together on a
        // busy machine elect a leader later than that. Nacos 2.3 does not read it.
        properties.put("nacos.namespace.migrate.retry.times", "120");
        return properties;
    }
}
