package io.nacosistio.it;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.naming.NacosNamingSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin's naming source against a real Nacos: the real Nacos Java client registers, changes and
 * deregisters instances over gRPC, an operator edits through the admin API, and the source must tell which
 * service changed and read exactly what Nacos stores. Each Nacos version has a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedNacosExtension.class)
public abstract class NamingSourceContract implements NacosLauncher.Provider {

    private static final String GROUP = "DEFAULT_GROUP";
    private static final long TIMEOUT_MILLIS = 10_000;
    /** Nacos checks persistent instances every 2 to 7 s and acts after 3 consecutive results. */
    private static final long HEALTH_CHECK_MILLIS = 60_000;

    private NacosUnderTest nacos;
    private NacosAdmin admin;
    private NacosNamingSource source;
    private final ChangeRecorder changes = new ChangeRecorder();
    private final List<NamingService> clients = new ArrayList<>();
    private NamingService naming;

    @BeforeAll
    void startSource(SharedNacos shared) throws Exception {
        nacos = shared.nacos();
        admin = new NacosAdmin(nacos);
        source = NacosNamingSource.create(new BeanLookup() {
            @Override
            public <T> T get(Class<T> type) {
                return nacos.bean(type);
            }
        });
        source.start(changes);
        naming = client(null);
    }

    @AfterAll
    void stopSource() throws Exception {
        if (source != null) {
            source.stop();
        }
        for (NamingService client : clients) {
            client.shutDown();
        }
    }

    @Test
    void aRegistrationIsNotifiedAndReadAsNacosStoresIt() throws Exception {
        long mark = changes.mark();
        long registered = System.nanoTime();
        naming.registerInstance("src-register", GROUP, instance("10.1.0.1", 8080, 2.5, "east",
                Map.of("protocol", "grpc", "version", "v1")));

        long notifiedAt = changes.awaitAfter(mark, key("src-register"), TIMEOUT_MILLIS);
        System.out.printf("Nacos %s: registration -> source notification in %d ms%n", nacos.version(),
                TimeUnit.NANOSECONDS.toMillis(notifiedAt - registered));
        RegistryService read = awaitRead("src-register", s -> s.instances().size() == 1);
        assertThat(read.key()).isEqualTo(new ServiceKey("public", GROUP, "src-register"));
        assertThat(read.instances().get(0)).isEqualTo(new RegistryInstance("10.1.0.1", 8080, 2.5, true, true, true,
                "east", Map.of("protocol", "grpc", "version", "v1")));
        assertThat(source.allServices()).contains(key("src-register"));
    }

    @Test
    void reRegisteringWithNewWeightAndMetadataUpdatesTheInstance() throws Exception {
        naming.registerInstance("src-update", GROUP, instance("10.2.0.1", 8080, 1, "DEFAULT", Map.of("v", "1")));
        awaitRead("src-update", s -> s.instances().size() == 1);
        long mark = changes.mark();

        naming.registerInstance("src-update", GROUP, instance("10.2.0.1", 8080, 4, "DEFAULT", Map.of("v", "2")));

        changes.awaitAfter(mark, key("src-update"), TIMEOUT_MILLIS);
        RegistryInstance updated = awaitRead("src-update",
                s -> s.instances().size() == 1 && s.instances().get(0).weight() == 4).instances().get(0);
        assertThat(updated.metadata()).containsExactly(Map.entry("v", "2"));
    }

    @Test
    void aBatchRegistrationIsReadWhole() throws Exception {
        long mark = changes.mark();
        naming.batchRegisterInstance("src-batch", GROUP, List.of(
                instance("10.3.0.3", 80, 1, "DEFAULT", Map.of()),
                instance("10.3.0.1", 80, 1, "DEFAULT", Map.of()),
                instance("10.3.0.2", 80, 1, "DEFAULT", Map.of())));

        changes.awaitAfter(mark, key("src-batch"), TIMEOUT_MILLIS);
        assertThat(awaitRead("src-batch", s -> s.instances().size() == 3).instances())
                .extracting(RegistryInstance::ip).containsExactly("10.3.0.1", "10.3.0.2", "10.3.0.3");
    }

    @Test
    void aDeregistrationLeavesTheServiceWithoutInstances() throws Exception {
        Instance only = instance("10.4.0.1", 8080, 1, "DEFAULT", Map.of());
        naming.registerInstance("src-deregister", GROUP, only);
        awaitRead("src-deregister", s -> s.instances().size() == 1);
        long mark = changes.mark();

        naming.deregisterInstance("src-deregister", GROUP, only);

        changes.awaitAfter(mark, key("src-deregister"), TIMEOUT_MILLIS);
        // The service itself stays until the empty-service cleaner or an operator removes it.
        assertThat(awaitRead("src-deregister", s -> s.instances().isEmpty()).key()).isEqualTo(key("src-deregister"));
    }

    @Test
    void aDisconnectedClientsInstancesDisappear() throws Exception {
        NamingService leaving = client(null);
        leaving.registerInstance("src-disconnect", GROUP, instance("10.5.0.1", 8080, 1, "DEFAULT", Map.of()));
        naming.registerInstance("src-disconnect", GROUP, instance("10.5.0.2", 8080, 1, "DEFAULT", Map.of()));
        awaitRead("src-disconnect", s -> s.instances().size() == 2);
        long mark = changes.mark();

        leaving.shutDown();
        clients.remove(leaving);

        changes.awaitAfter(mark, key("src-disconnect"), TIMEOUT_MILLIS);
        assertThat(awaitRead("src-disconnect", s -> s.instances().size() == 1).instances())
                .extracting(RegistryInstance::ip).containsExactly("10.5.0.2");
    }

    @Test
    void instanceMetadataSetByAnOperatorOverridesWhatTheClientPublished() throws Exception {
        naming.registerInstance("src-override", GROUP, instance("10.6.0.1", 8080, 1, "DEFAULT",
                Map.of("version", "v1", "zone", "a")));
        awaitRead("src-override", s -> s.instances().size() == 1);
        long mark = changes.mark();

        admin.updateInstance("public", GROUP, "src-override", "10.6.0.1", 8080, 5, false,
                "{\"zone\":\"b\",\"canary\":\"true\"}");

        changes.awaitAfter(mark, key("src-override"), TIMEOUT_MILLIS);
        RegistryInstance overridden = awaitRead("src-override",
                s -> s.instances().size() == 1 && !s.instances().get(0).enabled()).instances().get(0);
        assertThat(overridden.weight()).isEqualTo(5.0);
        assertThat(overridden.metadata()).contains(Map.entry("version", "v1"), Map.entry("zone", "b"),
                Map.entry("canary", "true"));
    }

    @Test
    void serviceMetadataAndProtectThresholdEditsAreNoticed() throws Exception {
        naming.registerInstance("src-service-meta", GROUP, instance("10.7.0.1", 8080, 1, "DEFAULT", Map.of()));
        awaitRead("src-service-meta", s -> s.instances().size() == 1);
        long mark = changes.mark();
        long edited = System.nanoTime();

        admin.updateService("public", GROUP, "src-service-meta", 0.7f, "{\"owner\":\"team-a\"}");

        long notifiedAt = changes.awaitAfter(mark, key("src-service-meta"), TIMEOUT_MILLIS);
        System.out.printf("Nacos %s: service metadata edit -> source notification in %d ms%n", nacos.version(),
                TimeUnit.NANOSECONDS.toMillis(notifiedAt - edited));
        RegistryService read = awaitRead("src-service-meta", s -> s.protectThreshold() == 0.7f);
        assertThat(read.metadata()).containsExactly(Map.entry("owner", "team-a"));
    }

    @Test
    void aServiceDeletedByAnOperatorIsNoticedAndGone() throws Exception {
        Instance only = instance("10.8.0.1", 8080, 1, "DEFAULT", Map.of());
        naming.registerInstance("src-delete", GROUP, only);
        awaitRead("src-delete", s -> s.instances().size() == 1);
        naming.deregisterInstance("src-delete", GROUP, only);
        awaitRead("src-delete", s -> s.instances().isEmpty());
        long mark = changes.mark();

        assertThat(admin.deleteService("public", GROUP, "src-delete").statusCode()).isEqualTo(200);

        // Nacos raises no event for this deletion: the source's catalog check must notice it.
        changes.awaitAfter(mark, key("src-delete"), TIMEOUT_MILLIS);
        assertThat(source.read(key("src-delete"))).isEmpty();
        assertThat(source.allServices()).doesNotContain(key("src-delete"));
    }

    @Test
    void servicesOfEveryNamespaceAreListed() throws Exception {
        nacos.createNamespace("dev");
        NamingService dev = client("dev");
        long mark = changes.mark();
        dev.registerInstance("src-namespaced", "PAYMENTS", instance("10.9.0.1", 8080, 1, "DEFAULT", Map.of()));
        naming.registerInstance("src-namespaced", GROUP, instance("10.9.0.2", 8080, 1, "DEFAULT", Map.of()));

        ServiceKey inDev = new ServiceKey("dev", "PAYMENTS", "src-namespaced");
        changes.awaitAfter(mark, inDev, TIMEOUT_MILLIS);
        assertThat(source.allServices()).contains(inDev, key("src-namespaced"));
        assertThat(awaitRead(inDev, s -> s.instances().size() == 1).instances().get(0).ip()).isEqualTo("10.9.0.1");
    }

    @Test
    void theEmptyServiceCleanersRemovalIsNoticed() throws Exception {
        Instance only = instance("10.10.0.1", 8080, 1, "DEFAULT", Map.of());
        naming.registerInstance("src-cleaned", GROUP, only);
        awaitRead("src-cleaned", s -> s.instances().size() == 1);
        naming.deregisterInstance("src-cleaned", GROUP, only);
        awaitRead("src-cleaned", s -> s.instances().isEmpty());

        // Nacos's cleaner first runs 30 s after boot, then removes services empty for the configured expiry.
        long lastSeenAt = awaitAbsent(key("src-cleaned"), SharedNacos.EMPTY_SERVICE_CLEANER_FIRST_RUN_MILLIS
                + SharedNacos.EMPTY_SERVICE_EXPIRY_MILLIS + TIMEOUT_MILLIS);
        changes.awaitSince(lastSeenAt, key("src-cleaned"), TIMEOUT_MILLIS);
    }

    @Test
    void aPersistentInstancesHealthCheckResultsAreNoticed() throws Exception {
        Instance persistent;
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            persistent = instance("127.0.0.1", listening.getLocalPort(), 1, "DEFAULT", Map.of());
            persistent.setEphemeral(false);
            naming.registerInstance("src-health", GROUP, persistent);
            // Nacos's TCP health check connects to the instance's port, which answers while this socket listens.
            awaitRead("src-health", HEALTH_CHECK_MILLIS, s -> s.instances().size() == 1
                    && !s.instances().get(0).ephemeral() && s.instances().get(0).healthy());
        }
        long mark = changes.mark();

        // Nothing listens any more: after a few failed rounds Nacos marks the instance unhealthy.
        RegistryInstance unhealthy = awaitRead("src-health", HEALTH_CHECK_MILLIS,
                s -> s.instances().size() == 1 && !s.instances().get(0).healthy()).instances().get(0);

        assertThat(unhealthy.port()).isEqualTo(persistent.getPort());
        changes.awaitAfter(mark, key("src-health"), TIMEOUT_MILLIS);
        naming.deregisterInstance("src-health", GROUP, persistent);
    }

    private NamingService client(String namespace) throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, "127.0.0.1:" + nacos.httpPort());
        if (namespace != null) {
            props.put(PropertyKeyConst.NAMESPACE, namespace);
        }
        NamingService client = NamingFactory.createNamingService(props);
        clients.add(client);
        return client;
    }

    private RegistryService awaitRead(String service, Predicate<RegistryService> condition) throws Exception {
        return awaitRead(key(service), condition);
    }

    private RegistryService awaitRead(String service, long timeoutMillis, Predicate<RegistryService> condition)
            throws Exception {
        return awaitRead(key(service), timeoutMillis, condition);
    }

    private RegistryService awaitRead(ServiceKey key, Predicate<RegistryService> condition) throws Exception {
        return awaitRead(key, TIMEOUT_MILLIS, condition);
    }

    /** Reads until the state matches: a notification may precede the write it announces by a little. */
    private RegistryService awaitRead(ServiceKey key, long timeoutMillis, Predicate<RegistryService> condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Optional<RegistryService> last = source.read(key);
        while (last.isEmpty() || !condition.test(last.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("state of " + key + " never matched; last read: " + last);
            }
            Thread.sleep(20);
            last = source.read(key);
        }
        return last.get();
    }

    /** Waits until the service is gone; returns the {@code nanoTime} at which it was last seen. */
    private long awaitAbsent(ServiceKey key, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long lastSeenAt = System.nanoTime();
        while (source.read(key).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(key + " is still there: " + source.read(key));
            }
            lastSeenAt = System.nanoTime();
            Thread.sleep(20);
        }
        return lastSeenAt;
    }

    private static ServiceKey key(String service) {
        return new ServiceKey("public", GROUP, service);
    }

    private static Instance instance(String ip, int port, double weight, String cluster,
            Map<String, String> metadata) {
        Instance instance = Instances.instance(ip, port, weight, metadata);
        instance.setClusterName(cluster);
        return instance;
    }

    /** Every notification the source made, in order, with when it came. */
    private static final class ChangeRecorder implements RegistryChangeListener {
        private final List<ServiceKey> keys = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();

        @Override
        public synchronized void serviceChanged(ServiceKey key) {
            keys.add(key);
            times.add(System.nanoTime());
            notifyAll();
        }

        /** A position to wait from: later notifications only. */
        synchronized long mark() {
            return keys.size();
        }

        /** Waits for a notification of {@code key} after {@code mark}; returns its {@code nanoTime}. */
        synchronized long awaitAfter(long mark, ServiceKey key, long timeoutMillis) throws InterruptedException {
            return await((int) mark, Long.MIN_VALUE, key, timeoutMillis);
        }

        /** Waits for a notification of {@code key} made at or after {@code nanoTime}. */
        synchronized long awaitSince(long nanoTime, ServiceKey key, long timeoutMillis) throws InterruptedException {
            return await(0, nanoTime, key, timeoutMillis);
        }

        private long await(int mark, long since, ServiceKey key, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            int from = mark;
            while (true) {
                for (int i = from; i < keys.size(); i++) {
                    if (keys.get(i).equals(key) && (since == Long.MIN_VALUE || times.get(i) - since >= 0)) {
                        return times.get(i);
                    }
                }
                from = keys.size();
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the source never reported a change of " + key + "; since then it "
                            + "reported " + keys.subList(mark, keys.size()));
                }
                wait(left);
            }
        }
    }
}
