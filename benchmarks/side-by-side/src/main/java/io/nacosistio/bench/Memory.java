package io.nacosistio.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;

/**
 * Heap after full collections, and the buffer memory held by each copy of gRPC's pooled Netty allocator:
 * Nacos's (gRPC's shaded Netty, which the built-in module, Nacos's own gRPC servers and clients, and the
 * benchmark clients share) and the plugin's own relocated copy, which only the plugin uses.
 */
final class Memory {

    private static final String NACOS_GRPC = "io.grpc.netty.shaded.io.grpc.netty.Utils";
    private static final String PLUGIN_GRPC = "io.nacosistio.shaded.io.grpc.netty.shaded.io.grpc.netty.Utils";

    private Memory() {
    }

    /** Used heap after three explicit full collections, the smallest reading. */
    static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** Bytes Nacos's gRPC allocator has taken (direct and heap arenas). */
    static long nacosGrpcBuffers() {
        return allocatorBytes(NACOS_GRPC);
    }

    /** Bytes the plugin's gRPC allocator has taken (direct and heap arenas). */
    static long pluginGrpcBuffers() {
        return allocatorBytes(PLUGIN_GRPC);
    }

    /** gRPC's {@code Utils.getByteBufAllocator(false)}: the pooled allocator its Netty transports use. */
    private static long allocatorBytes(String utilsClass) {
        try {
            Method get = Class.forName(utilsClass).getDeclaredMethod("getByteBufAllocator", boolean.class);
            get.setAccessible(true);
            Object allocator = get.invoke(null, false);
            Object metric = allocator.getClass().getMethod("metric").invoke(allocator);
            Method direct = metric.getClass().getMethod("usedDirectMemory");
            Method heap = metric.getClass().getMethod("usedHeapMemory");
            direct.setAccessible(true);
            heap.setAccessible(true);
            return (long) direct.invoke(metric) + (long) heap.invoke(metric);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
