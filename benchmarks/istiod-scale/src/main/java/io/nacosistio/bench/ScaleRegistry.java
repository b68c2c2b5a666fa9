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

/**
 * The registry of the scale benchmark, written through the real Nacos Java client over gRPC: services
 * {@code bench-00000...} of {@code endpoints} instances each, one {@code batchRegisterInstance} per service. A
 * change gives one instance (slot {@code seq % endpoints}) an address unique to the change ({@link #changed}), so
 * a sidecar can tell which change a load assignment carries; it is an instance-only change: the service, its
 * port and every label stay as they were.
 *
 * <p>Threads: a service's changes never overlap (one lock per service); {@link #fillTo} runs on its own pool.
 */
final class ScaleRegistry implements AutoCloseable {

    static final String GROUP = "DEFAULT_GROUP";
    static final int PORT = 8080;

    private final NamingService naming;
    private final int endpoints;
    private final String[][] addresses;
    private volatile int registered;

    ScaleRegistry(int httpPort, int capacity, int endpoints) throws NacosException {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + httpPort);
        this.naming = NamingFactory.createNamingService(props);
        this.endpoints = endpoints;
        this.addresses = initialAddresses(capacity, endpoints);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!"UP".equals(naming.getServerStatus())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Nacos client did not connect within 5 minutes");
            }
            sleep(100);
        }
    }

    /** Every instance's first address: 10.x.y.z, unique over the registry. */
    static String[][] initialAddresses(int capacity, int endpoints) {
        String[][] a = new String[capacity][endpoints];
        for (int s = 0; s < capacity; s++) {
            for (int e = 0; e < endpoints; e++) {
                int n = s * endpoints + e;
                a[s][e] = "10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255);
            }
        }
        return a;
    }

    /** The address change {@code seq} gives its instance: 11.x.y.z, unique per change up to 16 million. */
    static String changed(long seq) {
        return "11." + ((seq >> 16) & 255) + "." + ((seq >> 8) & 255) + "." + (seq & 255);
    }

    static String serviceName(int index) {
        return String.format("bench-%05d", index);
    }

    int services() {
        return registered;
    }

    int endpoints() {
        return endpoints;
    }

    /** Registers services until {@code count} are registered; returns the elapsed seconds. */
    double fillTo(int count, int threads) throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, Registry.named("bench-registry-fill-"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = registered; s < count; s++) {
                int service = s;
                done.add(pool.submit(() -> {
                    synchronized (addresses[service]) {
                        naming.batchRegisterInstance(serviceName(service), GROUP, instances(service));
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

    /** Makes change {@code seq} to {@code service}; the trackers hear of it before the call and when it returned. */
    void change(int service, long seq, List<EdsTracker> trackers) throws NacosException {
        String name = serviceName(service);
        String address = changed(seq);
        synchronized (addresses[service]) {
            addresses[service][(int) (seq % endpoints)] = address;
            for (EdsTracker t : trackers) {
                t.expect(name, seq, address);
            }
            naming.batchRegisterInstance(name, GROUP, instances(service));
            long returned = System.nanoTime();
            for (EdsTracker t : trackers) {
                t.written(name, seq, returned);
            }
        }
    }

    private List<Instance> instances(int service) {
        List<Instance> list = new ArrayList<>(endpoints);
        for (int e = 0; e < endpoints; e++) {
            Instance i = new Instance();
            i.setIp(addresses[service][e]);
            i.setPort(PORT);
            i.setWeight(1.0);
            i.setHealthy(true);
            i.setEnabled(true);
            i.setEphemeral(true);
            i.setClusterName("DEFAULT");
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("app", serviceName(service));
            metadata.put("version", "v1");
            metadata.put("protocol", "http");
            i.setMetadata(metadata);
            list.add(i);
        }
        return list;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() throws NacosException {
        naming.shutDown();
    }
}
