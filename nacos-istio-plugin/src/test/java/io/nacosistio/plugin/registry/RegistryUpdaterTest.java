package io.nacosistio.plugin.registry;

import com.google.protobuf.ByteString;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.metrics.RegistryMetrics;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import io.nacosistio.plugin.reconcile.Debounce;
import io.nacosistio.plugin.reconcile.LoopSetup;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.RegistrySource;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryUpdaterTest {

    /** An in-memory registry standing in for Nacos: services can be put, removed and made to fail. */
    static class MemoryRegistry implements RegistrySource {
        final Map<ServiceKey, RegistryService> services = new ConcurrentHashMap<>();
        final Map<ServiceKey, RuntimeException> failures = new ConcurrentHashMap<>();
        volatile RegistryChangeListener listener;

        void put(ServiceKey key) {
            services.put(key, new RegistryService(key, 0, Map.of(), List.of()));
            listener.serviceChanged(key);
        }

        void remove(ServiceKey key) {
            services.remove(key);
            listener.serviceChanged(key);
        }

        @Override
        public void start(RegistryChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public Collection<ServiceKey> allServices() {
            return new ArrayList<>(services.keySet());
        }

        @Override
        public Optional<RegistryService> read(ServiceKey key) {
            RuntimeException failure = failures.get(key);
            if (failure != null) {
                throw failure;
            }
            return Optional.ofNullable(services.get(key));
        }

        @Override
        public void stop() {
        }
    }

    private final MemoryRegistry registry = new MemoryRegistry();
    private final ResourceCache cache = new ResourceCache();
    private final RegistryMetrics metrics = new RegistryMetrics();
    private final RegistryIndex index = new RegistryIndex(
            s -> ConvertedService.accepted("ns/" + s.key().serviceName(), s.key().serviceName(), "1", Map.of(),
                    Map.of(), ByteString.EMPTY),
            System::currentTimeMillis);
    private RegistryUpdater updater;

    @AfterEach
    void close() {
        if (updater != null) {
            updater.close();
        }
    }

    @Test
    void initialSnapshotIsPublishedBeforeStartReturns() throws Exception {
        registry.services.put(key("a"), new RegistryService(key("a"), 0, Map.of(), List.of()));
        registry.services.put(key("b"), new RegistryService(key("b"), 0, Map.of(), List.of()));
        updater = new RegistryUpdater(registry, index, cache, metrics, loop(0), 0);
        updater.start();
        assertThat(names()).containsExactly("ns/a", "ns/b");
    }

    @Test
    void changesArePublishedAsOneSetAndTheCacheWatchersAreTold() throws Exception {
        updater = new RegistryUpdater(registry, index, cache, metrics, loop(0), 0);
        updater.start();
        CountDownLatch told = new CountDownLatch(1);
        cache.watch(kind -> {
            if (kind == IstioKind.SERVICE_ENTRY && cache.current(kind).resources().size() == 3) {
                told.countDown();
            }
        });
        registry.put(key("a"));
        registry.put(key("b"));
        registry.put(key("c"));
        assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
        registry.remove(key("b"));
        awaitNames("ns/a", "ns/c");
    }

    @Test
    void aServiceThatCannotBeReadKeepsWhatWasServedAndOthersStillFlow() throws Exception {
        registry.services.put(key("a"), new RegistryService(key("a"), 0, Map.of(), List.of()));
        updater = new RegistryUpdater(registry, index, cache, metrics, loop(0), 0);
        updater.start();
        registry.failures.put(key("a"), new IllegalStateException("storage unavailable"));
        registry.listener.serviceChanged(key("a"));
        registry.put(key("b"));
        awaitNames("ns/a", "ns/b");
        assertThat(metrics.readFailures.get()).isPositive();
    }

    @Test
    void aServiceTheIndexFailsOnIsCountedAndTheRestOfItsBatchIsPublished() throws Exception {
        ReconcileMetrics loopMetrics = new ReconcileMetrics();
        RegistryIndex breaking = new RegistryIndex(s -> ConvertedService.accepted(
                s.key().serviceName().equals("bad") ? null : "ns/" + s.key().serviceName(), s.key().serviceName(), "1",
                Map.of(), Map.of(), ByteString.EMPTY), System::currentTimeMillis);
        updater = new RegistryUpdater(registry, breaking, cache, metrics, LoopSetup.onOwnThread(RegistryUpdater.PIPELINE,
                "nacos-mesh-index", Debounce.leading(20, 200), 0, loopMetrics), 0);
        updater.start();
        registry.put(key("a"));
        registry.put(key("bad"));
        registry.put(key("c"));
        awaitNames("ns/a", "ns/c");
        assertThat(loopMetrics.keyFailures.get()).isEqualTo(1);
    }

    @Test
    void closeReturnsOnlyOnceTheBatchUnderWayHasFinishedAndTheIndexThreadIsGone() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean readFinished = new java.util.concurrent.atomic.AtomicBoolean();
        MemoryRegistry slow = new MemoryRegistry() {
            @Override
            public Optional<RegistryService> read(ServiceKey key) {
                if (key.serviceName().equals("slow")) {
                    reading.countDown();
                    // A read Nacos takes its time over, deaf to interrupts.
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    readFinished.set(true);
                }
                return super.read(key);
            }
        };
        updater = new RegistryUpdater(slow, index, cache, metrics, loop(0), 0);
        updater.start();
        slow.put(key("slow"));
        assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
        updater.close();
        assertThat(readFinished).isTrue();
        // Its thread may still be on its way out of the JDK's worker loop, but runs no code of the plugin.
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().equals("nacos-mesh-index")) {
                assertThat(stack).noneMatch(frame -> frame.getClassName().startsWith("io.nacosistio.plugin."));
            }
        });
    }

    @Test
    void reconciliationHealsALostNotification() throws Exception {
        updater = new RegistryUpdater(registry, index, cache, metrics, loop(50), 0);
        updater.start();
        registry.services.put(key("silent"), new RegistryService(key("silent"), 0, Map.of(), List.of()));
        awaitNames("ns/silent");
    }

    @Test
    void membershipCheckNoticesAServiceDeletedWithoutAnEvent() throws Exception {
        registry.services.put(key("a"), new RegistryService(key("a"), 0, Map.of(), List.of()));
        updater = new RegistryUpdater(registry, index, cache, metrics, loop(0), 30);
        updater.start();
        registry.services.remove(key("a"));
        awaitNames();
    }

    private void awaitNames(String... expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && !names().equals(List.of(expected))) {
            Thread.sleep(10);
        }
        assertThat(names()).containsExactly(expected);
    }

    private List<String> names() {
        return cache.current(IstioKind.SERVICE_ENTRY).resources().stream().map(McpResource::name).toList();
    }

    /** The registry loop on its own thread, as the plugin runs it, with a resync every {@code resyncMillis} (0: none). */
    static LoopSetup loop(long resyncMillis) {
        return LoopSetup.onOwnThread(RegistryUpdater.PIPELINE, "nacos-mesh-index", Debounce.leading(20, 200),
                resyncMillis, new ReconcileMetrics());
    }

    private static ServiceKey key(String name) {
        return new ServiceKey("ns", "DEFAULT_GROUP", name);
    }
}
