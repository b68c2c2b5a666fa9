package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.concurrent.Shutdown;
import io.nacosistio.plugin.index.ChangeDebouncer;
import io.nacosistio.plugin.index.Debounce;
import io.nacosistio.plugin.metrics.ConfigMetrics;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.plugin.source.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the config-center index in step with Nacos config: change notifications are debounced, then the
 * changed configs are read, parsed, validated and every kind whose served set changed is published.
 *
 * <p>Threading: one daemon thread, {@code nacos-mesh-config}, owns the index and does all reading,
 * parsing and publishing; Nacos's event threads only mark keys dirty. A periodic full reconciliation
 * re-reads every config so that a lost notification heals by itself.
 */
public final class ConfigCenterUpdater implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigCenterUpdater.class);

    private final ConfigSource source;
    private final ConfigCenterIndex index;
    private final Map<IstioKind, SetPublisher> publishers;
    private final ConfigMetrics metrics;
    private final long resyncIntervalMillis;
    private final ScheduledExecutorService executor;
    private final ChangeDebouncer<ConfigKey> debouncer;
    private final AtomicReference<ConfigCenterView> lastView = new AtomicReference<>(ConfigCenterView.empty());

    /**
     * @param publishers where each document kind's set goes (ServiceEntries go through the layer that lets
     *                   them win over registry-derived ones)
     */
    public ConfigCenterUpdater(ConfigSource source, ConfigCenterIndex index, Map<IstioKind, SetPublisher> publishers,
            ConfigMetrics metrics, Debounce debounce, long resyncIntervalMillis) {
        this.source = source;
        this.index = index;
        this.publishers = publishers;
        this.metrics = metrics;
        this.resyncIntervalMillis = resyncIntervalMillis;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nacos-mesh-config");
            t.setDaemon(true);
            return t;
        });
        this.debouncer = new ChangeDebouncer<>(executor, debounce, System::nanoTime,
                this::processBatch);
    }

    /**
     * Subscribes to config changes and loads every config before returning; then, on the config thread,
     * reads the bundled sample of every kind so that the first document published later is served within
     * the quiet period.
     */
    public void start() throws InterruptedException {
        source.start(key -> {
            metrics.changeNotifications.incrementAndGet();
            debouncer.markDirty(key);
        });
        try {
            executor.submit(this::reconcile).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("initial config-center load failed", e.getCause());
        }
        executor.execute(this::warmUp);
        if (resyncIntervalMillis > 0) {
            executor.scheduleWithFixedDelay(this::reconcileSafely, resyncIntervalMillis, resyncIntervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Re-reads every config (on the config thread, after what is queued there), publishes the result, then
     * runs {@code whenDone}; a failed re-read is logged and still runs it. Safe from any thread.
     */
    public void reconcileThen(Runnable whenDone) {
        try {
            executor.execute(() -> {
                try {
                    reconcile();
                } catch (RuntimeException e) {
                    LOG.warn("nacos-istio-plugin: config-center re-read failed; serving what the index holds", e);
                } finally {
                    whenDone.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** The latest picture of the index; safe from any thread. */
    public ConfigCenterView view() {
        return lastView.get();
    }

    /**
     * Stops notifications and the config thread; once this returns nothing of the updater runs (a batch or the
     * warm-up under way is awaited), also when it is called because the plugin failed to start.
     */
    @Override
    public void close() {
        source.stop();
        if (!Shutdown.now(executor, Shutdown.AWAIT_MILLIS)) {
            LOG.warn("nacos-istio-plugin: the config-center thread did not stop within {} ms", Shutdown.AWAIT_MILLIS);
        }
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

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: config-center reconciliation failed; retrying at the next interval", e);
        }
    }

    private void reconcile() {
        Set<ConfigKey> keys = new LinkedHashSet<>(source.allConfigs());
        keys.addAll(index.knownConfigs());
        processBatch(keys);
    }

    private void processBatch(Set<ConfigKey> keys) {
        long started = System.nanoTime();
        metrics.batches.incrementAndGet();
        for (ConfigKey key : keys) {
            Optional<ConfigItem> item;
            try {
                item = source.read(key);
                metrics.configsRead.incrementAndGet();
            } catch (RuntimeException e) {
                metrics.readFailures.incrementAndGet();
                LOG.warn("nacos-istio-plugin: could not read config {}; keeping what it served", key, e);
                continue;
            }
            ConfigCenterIndex.Outcome outcome;
            try {
                outcome = index.apply(key, item);
            } catch (RuntimeException e) {
                // A bug in reading one config must not stop the others.
                metrics.readFailures.incrementAndGet();
                LOG.error("nacos-istio-plugin: config {} could not be processed; keeping what it served", key, e);
                continue;
            }
            if (outcome == ConfigCenterIndex.Outcome.ADDED || outcome == ConfigCenterIndex.Outcome.UPDATED) {
                report(key);
            }
        }
        for (IstioKind kind : index.takeChangedKinds()) {
            SetPublisher publisher = publishers.get(kind);
            if (publisher != null) {
                publisher.publish(index.snapshot(kind));
                metrics.setsPublished.incrementAndGet();
            }
        }
        lastView.set(index.view());
        metrics.lastBatchNanos.set(System.nanoTime() - started);
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
}
