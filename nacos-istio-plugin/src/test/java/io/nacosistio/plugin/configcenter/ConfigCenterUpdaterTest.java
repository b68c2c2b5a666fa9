package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.metrics.ConfigCenterMetrics;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import io.nacosistio.plugin.reconcile.Debounce;
import io.nacosistio.plugin.reconcile.LoopSetup;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.ConfigChangeListener;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.plugin.source.ConfigSource;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigCenterUpdaterTest {

    /** No configs at start; reading the config "slow" takes 300 ms and ignores interrupts, as a busy store may. */
    private static final class SlowConfigs implements ConfigSource {
        final AtomicBoolean stopped = new AtomicBoolean();
        final CountDownLatch reading = new CountDownLatch(1);
        final AtomicBoolean readFinished = new AtomicBoolean();
        volatile ConfigChangeListener listener;

        @Override
        public void start(ConfigChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public Collection<ConfigKey> allConfigs() {
            return List.of();
        }

        @Override
        public Optional<ConfigItem> read(ConfigKey key) {
            if (key.dataId().equals("slow")) {
                reading.countDown();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                readFinished.set(true);
            }
            return Optional.empty();
        }

        @Override
        public void stop() {
            stopped.set(true);
        }
    }

    /** Configs in memory; each is read from the map at the time of the read. */
    private static final class MemoryConfigs implements ConfigSource {
        final java.util.Map<ConfigKey, ConfigItem> configs = new java.util.concurrent.ConcurrentHashMap<>();
        volatile ConfigChangeListener listener;

        void put(ConfigKey key, String content) {
            configs.put(key, new ConfigItem(key, content, java.util.Set.of(), 0L));
            listener.configChanged(key);
        }

        @Override
        public void start(ConfigChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public Collection<ConfigKey> allConfigs() {
            return List.copyOf(configs.keySet());
        }

        @Override
        public Optional<ConfigItem> read(ConfigKey key) {
            return Optional.ofNullable(configs.get(key));
        }

        @Override
        public void stop() {
        }
    }

    /** A config the index throws on (here: its namespace cannot be mapped) is counted; the others of its batch are served. */
    @Test
    void aConfigTheIndexFailsOnIsCountedAndTheRestOfItsBatchIsPublished() throws Exception {
        MemoryConfigs source = new MemoryConfigs();
        ReconcileMetrics loopMetrics = new ReconcileMetrics();
        java.util.Map<IstioKind, java.util.List<String>> published = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<IstioKind, SetPublisher> publishers = new EnumMap<>(IstioKind.class);
        publishers.put(IstioKind.VIRTUAL_SERVICE, set -> published.put(set.kind(),
                set.resources().stream().map(io.nacosistio.plugin.resource.McpResource::name).toList()));
        ConfigCenterUpdater updater = new ConfigCenterUpdater(source,
                new ConfigCenterIndex(new ConfigDocuments(512 * 1024), ns -> {
                    if (ns.equals("broken")) {
                        throw new IllegalStateException("no Istio namespace for " + ns);
                    }
                    return ns;
                }, () -> 0L),
                publishers, new ConfigCenterMetrics(),
                LoopSetup.onOwnThread(ConfigCenterUpdater.PIPELINE, "nacos-mesh-config", Debounce.trailing(20, 200),
                        0, loopMetrics));
        try {
            updater.start();
            source.put(new ConfigKey("broken", "istio", "a"), virtualService("a"));
            source.put(new ConfigKey("public", "istio", "b"), virtualService("b"));
            // The warm-up runs first on the config thread and takes seconds on a cold, busy JVM.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!published.containsKey(IstioKind.VIRTUAL_SERVICE) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(published.get(IstioKind.VIRTUAL_SERVICE)).containsExactly("public/b");
            assertThat(loopMetrics.keyFailures.get()).isEqualTo(1);
        } finally {
            updater.close();
        }
    }

    private static String virtualService(String name) {
        return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: " + name
                + "\nspec:\n  hosts: [\"" + name + ".example.com\"]\n  http:\n  - route:\n    - destination:\n"
                + "        host: " + name + ".example.com\n";
    }

    /**
     * The plugin closes the config center when a later part fails to start (the MCP port taken, say): once
     * {@code close()} returns, the work under way has finished and the config thread runs no code of the plugin.
     */
    @Test
    void closeReturnsOnlyOnceTheWorkUnderWayHasFinishedAndTheConfigThreadIsDone() throws Exception {
        SlowConfigs source = new SlowConfigs();
        ConfigCenterUpdater updater = new ConfigCenterUpdater(source,
                new ConfigCenterIndex(new ConfigDocuments(512 * 1024), ns -> ns, () -> 0L),
                new EnumMap<IstioKind, SetPublisher>(IstioKind.class), new ConfigCenterMetrics(),
                LoopSetup.onOwnThread(ConfigCenterUpdater.PIPELINE, "nacos-mesh-config", Debounce.trailing(20, 200),
                        300_000, new ReconcileMetrics()));
        updater.start();
        source.listener.configChanged(new ConfigKey("public", "istio", "slow"));
        assertThat(source.reading.await(5, TimeUnit.SECONDS)).isTrue();
        updater.close();
        assertThat(source.stopped).isTrue();
        assertThat(source.readFinished).isTrue();
        // Its thread may still be on its way out of the JDK's worker loop, but runs no code of the plugin.
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().equals("nacos-mesh-config")) {
                assertThat(stack).noneMatch(frame -> frame.getClassName().startsWith("io.nacosistio.plugin."));
            }
        });
    }
}
