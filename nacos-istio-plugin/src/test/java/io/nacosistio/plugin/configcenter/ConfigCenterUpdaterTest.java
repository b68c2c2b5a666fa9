package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.index.Debounce;
import io.nacosistio.plugin.metrics.ConfigMetrics;
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

    /**
     * The plugin closes the config center when a later part fails to start (the MCP port taken, say): once
     * {@code close()} returns, the work under way has finished and the config thread runs no code of the plugin.
     */
    @Test
    void closeReturnsOnlyOnceTheWorkUnderWayHasFinishedAndTheConfigThreadIsDone() throws Exception {
        SlowConfigs source = new SlowConfigs();
        ConfigCenterUpdater updater = new ConfigCenterUpdater(source,
                new ConfigCenterIndex(new ConfigDocuments(512 * 1024), ns -> ns, () -> 0L),
                new EnumMap<IstioKind, SetPublisher>(IstioKind.class), new ConfigMetrics(), Debounce.trailing(20, 200),
                300_000);
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
