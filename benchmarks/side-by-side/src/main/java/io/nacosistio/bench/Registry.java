package io.nacosistio.bench;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark registry, written through the real Nacos Java client over gRPC: up to {@code capacity}
 * services of {@code endpoints} instances each, each service registered with one {@code batchRegisterInstance}.
 * A change re-registers a service's list with one instance's {@code bench-seq} label set to the change's
 * number; a service's changes never overlap (one lock per service).
 */
final class Registry implements AutoCloseable {

    static final String GROUP = "DEFAULT_GROUP";

    private final NamingService naming;
    private final int endpoints;
    private final List<List<Instance>> instances = new ArrayList<>();
    private final Object[] locks;
    private volatile int registered;

    Registry(int httpPort, int capacity, int endpoints) throws NacosException {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + httpPort);
        this.naming = NamingFactory.createNamingService(props);
        awaitConnected(naming);
        this.endpoints = endpoints;
        this.locks = new Object[capacity];
        for (int s = 0; s < capacity; s++) {
            locks[s] = new Object();
            List<Instance> list = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                list.add(instance(s, e, 0));
            }
            instances.add(list);
        }
    }

    /** The client connects in the background; registering before it has connected fails. */
    private static void awaitConnected(NamingService naming) throws NacosException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!"UP".equals(naming.getServerStatus())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Nacos client did not connect within 5 minutes");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the Nacos client connects", e);
            }
        }
    }

    static String serviceName(int index) {
        return String.format("bench-%05d", index);
    }

    /** Services registered so far; changes go to these. */
    int services() {
        return registered;
    }

    int endpoints() {
        return endpoints;
    }

    /**
     * Registers services until {@code count} are registered, with {@code threads} concurrent calls; returns the
     * elapsed seconds. Each new service is registered twice with the same instances: Nacos's built-in module
     * reads a service's instances while handling the registration event, racing Nacos's own index, and on a
     * first registration it often reads none and leaves the service out until its next event; the second call
     * changes nothing in Nacos (the plugin sees no difference) and gives the module its instances.
     */
    double fillTo(int count, int threads) throws Exception {
        if (count > locks.length) {
            throw new IllegalArgumentException("registry holds at most " + locks.length + " services");
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("bench-registry-fill-"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = registered; s < count; s++) {
                int service = s;
                done.add(pool.submit(() -> {
                    synchronized (locks[service]) {
                        naming.batchRegisterInstance(serviceName(service), GROUP, instances.get(service));
                        naming.batchRegisterInstance(serviceName(service), GROUP, instances.get(service));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            registered = count;
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Makes change {@code seq}: instance {@code seq % endpoints} of the service gets {@code bench-seq=seq}.
     * The trackers hear of it just before the call and again the moment it returns.
     */
    void change(int service, long seq, List<ChangeTracker> trackers) throws NacosException {
        String name = serviceName(service);
        synchronized (locks[service]) {
            List<Instance> next = new ArrayList<>(instances.get(service));
            int e = (int) (seq % endpoints);
            next.set(e, instance(service, e, seq));
            for (ChangeTracker t : trackers) {
                t.expect(name, seq);
            }
            naming.batchRegisterInstance(name, GROUP, next);
            long returned = System.nanoTime();
            instances.set(service, next);
            for (ChangeTracker t : trackers) {
                t.written(name, seq, returned);
            }
        }
    }

    @Override
    public void close() throws NacosException {
        naming.shutDown();
    }

    /** A unique address per instance (10.x.y.z), port 8080, and labels like those of a typical workload. */
    private Instance instance(int service, int e, long seq) {
        int n = service * endpoints + e;
        Instance i = new Instance();
        i.setIp("10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255));
        i.setPort(8080);
        i.setWeight(1.0);
        i.setHealthy(true);
        i.setEnabled(true);
        i.setEphemeral(true);
        i.setClusterName("DEFAULT");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("app", serviceName(service));
        metadata.put("version", "v1");
        metadata.put("protocol", "http");
        metadata.put(ChangeTracker.SEQ_LABEL, Long.toString(seq));
        i.setMetadata(metadata);
        return i;
    }

    static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
