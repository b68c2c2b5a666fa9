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
 * A benchmark registry, written through the real Nacos Java client over gRPC: up to {@code capacity} services
 * {@code bench-00000...} of {@code endpoints} instances each, each service registered with one
 * {@code batchRegisterInstance}. A change re-registers a service's whole list with one instance (slot
 * {@code seq % endpoints}) changed as the benchmark's {@link InstanceChange} says; a service's changes never
 * overlap (one lock per service), so a state that holds a change holds every earlier change of that service.
 */
final class Registry implements AutoCloseable {

    static final String GROUP = "DEFAULT_GROUP";

    /** What change {@code seq} does to an instance; {@code seq} 0 is the instance as first registered. */
    @FunctionalInterface
    interface InstanceChange {
        /** Makes {@code fresh}, a new instance as first registered, what change {@code seq} makes it. */
        void apply(Instance fresh, long seq);
    }

    /**
     * The instance gets the label {@code bench-seq=<seq>} (0 at first): a change to the endpoint labels, which the
     * istiod-like clients of the side-by-side benchmark read back ({@link ChangeTracker}).
     */
    static final InstanceChange SEQ_LABEL = (instance, seq) ->
            instance.getMetadata().put(ChangeTracker.SEQ_LABEL, Long.toString(seq));

    /**
     * The instance gets an address unique to the change ({@link #changedAddress}): an instance-only change, the
     * service, its port and every label stay as they were, as a sidecar sees it in a load assignment.
     */
    static final InstanceChange NEW_ADDRESS = (instance, seq) -> {
        if (seq > 0) {
            instance.setIp(changedAddress(seq));
        }
    };

    private final NamingService naming;
    private final int first;
    private final int endpoints;
    private final int registrationsPerService;
    private final InstanceChange instanceChange;
    private final List<List<Instance>> instances = new ArrayList<>();
    private final Object[] locks;
    private volatile int registered;

    /**
     * @param registrationsPerService how often {@link #fillTo} registers each new service with the same
     *                                instances: 2 where Nacos's built-in module runs (see {@link #fillTo})
     */
    Registry(int httpPort, int capacity, int endpoints, int registrationsPerService, InstanceChange instanceChange)
            throws NacosException {
        this(httpPort, 0, capacity, endpoints, registrationsPerService, instanceChange);
    }

    /**
     * A registry of the services {@code first} .. {@code first + capacity - 1} ({@link #serviceName}), written
     * through a client of the Nacos at {@code httpPort}, as one of several registries that share a cluster; the
     * methods take a service's index within this range.
     */
    Registry(int httpPort, int first, int capacity, int endpoints, int registrationsPerService,
            InstanceChange instanceChange) throws NacosException {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + httpPort);
        // The client's 3 s default is short for a Nacos busy with a fill (three cluster members on two cores).
        props.put("namingRequestTimeout", "10000");
        this.naming = NamingFactory.createNamingService(props);
        awaitConnected(naming);
        this.first = first;
        this.endpoints = endpoints;
        this.registrationsPerService = registrationsPerService;
        this.instanceChange = instanceChange;
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

    /** The address {@link #NEW_ADDRESS} gives change {@code seq}'s instance: 11.x.y.z, unique up to 16 million. */
    static String changedAddress(long seq) {
        return "11." + ((seq >> 16) & 255) + "." + ((seq >> 8) & 255) + "." + (seq & 255);
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
     * elapsed seconds. With two registrations per service each new service is registered twice with the same
     * instances: Nacos's built-in module reads a service's instances while handling the registration event,
     * racing Nacos's own index, and on a first registration it often reads none and leaves the service out until
     * its next event; the second call changes nothing in Nacos (the plugin sees no difference) and gives the
     * module its instances.
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
                        for (int r = 0; r < registrationsPerService; r++) {
                            naming.batchRegisterInstance(serviceName(first + service), GROUP,
                                    instances.get(service));
                        }
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
     * Makes change {@code seq} to {@code service}: its instance in slot {@code seq % endpoints} is changed. The
     * listeners hear of it just before the call and again the moment it returns.
     */
    void change(int service, long seq, List<? extends ChangeListener> listeners) throws NacosException {
        String name = serviceName(first + service);
        synchronized (locks[service]) {
            List<Instance> next = new ArrayList<>(instances.get(service));
            int slot = (int) (seq % endpoints);
            Instance changed = instance(service, slot, seq);
            next.set(slot, changed);
            for (ChangeListener l : listeners) {
                l.expect(name, seq, changed);
            }
            naming.batchRegisterInstance(name, GROUP, next);
            long returned = System.nanoTime();
            instances.set(service, next);
            for (ChangeListener l : listeners) {
                l.written(name, seq, returned);
            }
        }
    }

    /** {@link #change} to these listeners, for a {@link ChangeDriver}. */
    ChangeDriver.Change changes(List<? extends ChangeListener> listeners) {
        return (service, seq) -> change(service, seq, listeners);
    }

    @Override
    public void close() throws NacosException {
        naming.shutDown();
    }

    /**
     * A unique address per instance (10.x.y.z), port 8080, and labels like those of a typical workload, as change
     * {@code seq} leaves it.
     */
    private Instance instance(int local, int slot, long seq) {
        int service = first + local;
        int n = service * endpoints + slot;
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
        i.setMetadata(metadata);
        instanceChange.apply(i, seq);
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
