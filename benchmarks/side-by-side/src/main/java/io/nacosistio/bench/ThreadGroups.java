package io.nacosistio.bench;

/**
 * Sorts the threads of the benchmark JVM into owners by name, so that CPU time can be attributed per server.
 * The plugin names all of its threads {@code nacos-mesh-*}. The built-in module's own threads are its executors
 * ({@code com.alibaba.nacos.istio.*}), its event consumer ({@code handle events}) and the {@code Timer-*}
 * threads its debounce creates; its gRPC server runs on gRPC's default executor ({@code grpc-default-executor-*},
 * which nothing else in Nacos 3.1 uses) and on gRPC's shared Netty event loops, which Nacos's own gRPC servers
 * and clients share too and which are therefore reported apart.
 */
final class ThreadGroups {

    static final String PLUGIN = "plugin";
    static final String BUILT_IN = "built-in";
    static final String BUILT_IN_SPIN = "built-in debounce loops";
    static final String SHARED_GRPC_IO = "shared gRPC I/O";
    static final String BENCH_CLIENTS = "benchmark clients";
    static final String REGISTRY_CLIENT = "Nacos client";
    static final String NACOS = "Nacos and JVM";

    private ThreadGroups() {
    }

    static String of(String threadName) {
        if (threadName.startsWith("nacos-mesh-")) {
            return PLUGIN;
        }
        // The two loops that poll a queue without waiting (NacosServiceInfoResourceWatcher.ToNotify, Debounce).
        if (threadName.startsWith("com.alibaba.nacos.istio.cycle.debounce")
                || threadName.startsWith("com.alibaba.nacos.istio.pushchange.debounce")) {
            return BUILT_IN_SPIN;
        }
        if (threadName.startsWith("com.alibaba.nacos.istio.") || threadName.equals("handle events")
                || threadName.startsWith("Timer-") || threadName.startsWith("grpc-default-executor-")) {
            return BUILT_IN;
        }
        if (threadName.startsWith("grpc-nio-") || threadName.startsWith("grpc-default-worker-")
                || threadName.startsWith("grpc-default-boss-")) {
            return SHARED_GRPC_IO;
        }
        if (threadName.startsWith("bench-")) {
            return BENCH_CLIENTS;
        }
        if (threadName.startsWith("com.alibaba.nacos.client.")) {
            return REGISTRY_CLIENT;
        }
        return NACOS;
    }

    /** CPU a server's own threads used, given CPU seconds per group. */
    static double ownSeconds(MeshServer server, java.util.Map<String, Double> byGroup) {
        if (server == MeshServer.PLUGIN) {
            return byGroup.getOrDefault(PLUGIN, 0.0);
        }
        return byGroup.getOrDefault(BUILT_IN, 0.0) + byGroup.getOrDefault(BUILT_IN_SPIN, 0.0);
    }
}
