package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.metrics.ConfigCenterMetrics;
import io.nacosistio.plugin.reconcile.BatchRecord;
import io.nacosistio.plugin.reconcile.LoopSetup;
import io.nacosistio.plugin.reconcile.Reason;
import io.nacosistio.plugin.reconcile.ReconcileLoop;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.plugin.source.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the config-center index in step with Nacos config: the config center's configuration of the
 * {@link ReconcileLoop}. A batch reads each changed config, parses and validates its documents into the index,
 * and publishes every kind whose served set changed.
 *
 * <p>Threading: the loop's thread ({@code nacos-mesh-config}) owns the index and does all reading, parsing and
 * publishing; Nacos's event threads only mark keys dirty. The loop's full reconciliation re-reads every config
 * so that a lost notification heals by itself.
 */
public final class ConfigCenterUpdater implements AutoCloseable {

    /** The pipeline's name in metrics and the debug view. */
    public static final String PIPELINE = "config-center";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigCenterUpdater.class);

    private final ConfigSource source;
    private final ConfigCenterIndex index;
    private final Map<IstioKind, SetPublisher> publishers;
    private final ConfigCenterMetrics metrics;
    private final ReconcileLoop<ConfigKey> loop;
    private final AtomicReference<ConfigCenterView> lastView = new AtomicReference<>(ConfigCenterView.empty());

    /**
     * @param publishers where each document kind's set goes (ServiceEntries go through the layer that lets
     *                   them win over registry-derived ones)
     */
    public ConfigCenterUpdater(ConfigSource source, ConfigCenterIndex index, Map<IstioKind, SetPublisher> publishers,
            ConfigCenterMetrics metrics, LoopSetup setup) {
        this.source = source;
        this.index = index;
        this.publishers = publishers;
        this.metrics = metrics;
        this.loop = new ReconcileLoop<>(setup, new ConfigPipeline());
    }

    /**
     * Subscribes to config changes and loads every config before returning; then, on the config thread,
     * reads the bundled sample of every kind so that the first document published later is served within
     * the quiet period.
     */
    public void start() throws InterruptedException {
        source.start(key -> {
            metrics.changeNotifications.incrementAndGet();
            loop.markDirty(key, Reason.EVENT);
        });
        try {
            loop.start().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("initial config-center load failed", e.getCause());
        }
        loop.execute("warm-up", this::warmUp);
    }

    /**
     * Re-reads every config (on the config thread, after what is queued there), publishes the result, then
     * runs {@code whenDone}; a failed re-read is logged and still runs it. Safe from any thread.
     */
    public void reconcileThen(Runnable whenDone) {
        loop.reconcileAllThen(Reason.READINESS, whenDone);
    }

    /** The latest picture of the index; safe from any thread. */
    public ConfigCenterView view() {
        return lastView.get();
    }

    /** The config center loop's last batches, oldest first; safe from any thread. */
    public List<BatchRecord> recentBatches() {
        return loop.recentBatches();
    }

    /**
     * Stops notifications and the config thread; once this returns nothing of the updater runs (a batch or the
     * warm-up under way is awaited), also when it is called because the plugin failed to start.
     */
    @Override
    public void close() {
        source.stop();
        loop.close();
    }

    private void warmUp() {
        long started = System.nanoTime();
        try {
            int documents = index.warmUp();
            LOG.info("nacos-istio-plugin: config center warmed up ({} sample documents read in {} ms)", documents,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: config-center warm-up failed; the first published document may take "
                    + "seconds longer to be served", e);
        }
    }

    private void report(ConfigKey key) {
        int refused = 0;
        for (RefusedDocument r : index.refused(key)) {
            refused++;
            for (String line : r.describe()) {
                LOG.warn("nacos-istio-plugin: refused {}; {}", line, r.consequence());
            }
        }
        metrics.documentsRefused.addAndGet(refused);
        for (ServedDocument s : index.served(key)) {
            if (!s.retained()) {
                metrics.documentsAccepted.incrementAndGet();
            }
        }
    }

    /** Reading, parsing and publishing configs: what the config center's loop runs. */
    private final class ConfigPipeline implements ReconcileLoop.Pipeline<ConfigKey> {

        @Override
        public Collection<ConfigKey> allKeys() {
            Set<ConfigKey> keys = new LinkedHashSet<>(source.allConfigs());
            keys.addAll(index.knownConfigs());
            return keys;
        }

        @Override
        public void apply(ConfigKey key) {
            Optional<ConfigItem> item;
            try {
                item = source.read(key);
                metrics.configsRead.incrementAndGet();
            } catch (RuntimeException e) {
                metrics.readFailures.incrementAndGet();
                LOG.warn("nacos-istio-plugin: could not read config {}; keeping what it served", key, e);
                return;
            }
            ConfigCenterIndex.Outcome outcome = index.apply(key, item);
            if (outcome == ConfigCenterIndex.Outcome.ADDED || outcome == ConfigCenterIndex.Outcome.UPDATED) {
                report(key);
            }
        }

        @Override
        public void publish(Set<Reason> reasons) {
            for (IstioKind kind : index.takeChangedKinds()) {
                SetPublisher publisher = publishers.get(kind);
                if (publisher != null) {
                    publisher.publish(index.snapshot(kind));
                    metrics.setsPublished.incrementAndGet();
                }
            }
            lastView.set(index.view());
        }
    }
}
