package io.nacosistio.plugin.index;

import io.nacosistio.plugin.address.CommitResult;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.concurrent.Shutdown;
import io.nacosistio.plugin.metrics.IndexMetrics;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.RegistrySource;
import io.nacosistio.plugin.source.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the ServiceEntry index in step with the registry: change notifications are debounced, then the
 * changed services are read, converted and published to the cache as one new ServiceEntry set.
 *
 * <p>Threading: one daemon thread, {@code nacos-mesh-index}, owns the index and does all reading,
 * converting and publishing. Nacos's event threads only mark keys dirty. Two periodic checks heal what
 * no event reports: a cheap membership check compares the registry's service list with the index (Nacos
 * raises no event when an operator deletes an empty service), and a full reconciliation re-reads every
 * service so that a lost notification heals by itself.
 *
 * <p>Each batch ends by committing the address book (one compare-and-set write of the address table when
 * anything changed) before the set is published, so a new service goes out with its committed VIP in its
 * first version. A change of the stored table (another node's write) is handled on the same thread.
 */
public final class IndexUpdater implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IndexUpdater.class);
    /** How soon services left without an address by a failed table write are tried again. */
    static final long ADDRESS_RETRY_MILLIS = 2_000;

    private final RegistrySource source;
    private final ServiceEntryIndex index;
    private final SetPublisher cache;
    private final IndexMetrics metrics;
    private final long resyncIntervalMillis;
    private final long membershipCheckMillis;
    private final ScheduledExecutorService executor;
    private final ChangeDebouncer<ServiceKey> debouncer;
    private final AtomicReference<IndexView> lastView = new AtomicReference<>();

    public IndexUpdater(RegistrySource source, ServiceEntryIndex index, SetPublisher cache, IndexMetrics metrics,
            Debounce debounce, long resyncIntervalMillis, long membershipCheckMillis) {
        this.source = source;
        this.index = index;
        this.cache = cache;
        this.metrics = metrics;
        this.resyncIntervalMillis = resyncIntervalMillis;
        this.membershipCheckMillis = membershipCheckMillis;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nacos-mesh-index");
            t.setDaemon(true);
            return t;
        });
        this.debouncer = new ChangeDebouncer<>(executor, debounce, System::nanoTime,
                this::processBatch);
        this.lastView.set(index.view());
    }

    /** Subscribes to the registry and loads every service before returning. */
    public void start() throws InterruptedException {
        source.start(key -> {
            metrics.changeNotifications.incrementAndGet();
            debouncer.markDirty(key);
        });
        try {
            executor.submit(() -> reconcile(false)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("initial registry snapshot failed", e.getCause());
        }
        if (resyncIntervalMillis > 0) {
            executor.scheduleWithFixedDelay(this::reconcileSafely, resyncIntervalMillis, resyncIntervalMillis,
                    TimeUnit.MILLISECONDS);
        }
        if (membershipCheckMillis > 0) {
            executor.scheduleWithFixedDelay(this::checkMembershipSafely, membershipCheckMillis, membershipCheckMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Re-reads every service (on the index thread, after what is queued there), publishes the result, then
     * runs {@code whenDone}; a failed re-read is logged and still runs it. Safe from any thread.
     */
    public void reconcileThen(Runnable whenDone) {
        try {
            executor.execute(() -> {
                try {
                    reconcile(false);
                } catch (RuntimeException e) {
                    LOG.warn("nacos-istio-plugin: registry re-read failed; serving what the index holds", e);
                } finally {
                    whenDone.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** The stored address table changed (any node's write); safe from any thread. */
    public void addressTableChanged() {
        try {
            executor.execute(this::reloadAddressesSafely);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * The addresses config-center ServiceEntries declare are now {@code declared}: registry services whose VIP
     * or override they cover are rebuilt without it and published. Returns once that is published, so a
     * caller that publishes the config-center entries afterwards never has an address served twice. Safe from
     * any thread but the index thread.
     */
    public void declaredAddressesChanged(io.nacosistio.plugin.address.DeclaredAddresses declared)
            throws InterruptedException {
        try {
            executor.submit(() -> {
                CommitResult result = index.addresses().declare(declared);
                if (!result.changed().isEmpty() || !result.retry().isEmpty()) {
                    settleAddresses(result);
                    publish();
                }
            }).get();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("nacos-istio-plugin: applying the addresses config-center ServiceEntries declare failed", e.getCause());
        }
    }

    /** The latest picture of the index; safe from any thread. */
    public IndexView view() {
        return lastView.get();
    }

    /** Stops notifications and the index thread; once this returns nothing of the updater runs. */
    @Override
    public void close() {
        source.stop();
        if (!Shutdown.now(executor, Shutdown.AWAIT_MILLIS)) {
            LOG.warn("nacos-istio-plugin: the index thread did not stop within {} ms", Shutdown.AWAIT_MILLIS);
        }
    }

    private void reloadAddressesSafely() {
        try {
            CommitResult result = index.addresses().reload();
            if (!result.changed().isEmpty() || !result.retry().isEmpty()) {
                settleAddresses(result);
                publish();
            }
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: handling an address table change failed; the next batch retries", e);
        }
    }

    private void reconcileSafely() {
        try {
            reconcile(true);
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: registry reconciliation failed; retrying at the next interval", e);
        }
    }

    /** Marks services that appeared or vanished without an event; reads nothing else. */
    private void checkMembershipSafely() {
        try {
            Set<ServiceKey> inRegistry = new java.util.HashSet<>(source.allServices());
            Set<ServiceKey> inIndex = new java.util.HashSet<>(index.knownKeys());
            for (ServiceKey key : inIndex) {
                if (!inRegistry.contains(key)) {
                    debouncer.markDirty(key);
                }
            }
            for (ServiceKey key : inRegistry) {
                if (!inIndex.contains(key)) {
                    debouncer.markDirty(key);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: registry membership check failed; retrying at the next interval", e);
        }
    }

    /**
     * Re-reads every service the registry or the index knows. With {@code freeUnusedAddresses} (periodic runs,
     * not the first), addresses of hosts no service uses any more are freed: services deleted while no
     * plugin was running.
     */
    private void reconcile(boolean freeUnusedAddresses) {
        Set<ServiceKey> keys = new LinkedHashSet<>(source.allServices());
        keys.addAll(index.knownKeys());
        processBatch(keys, freeUnusedAddresses);
    }

    private void processBatch(Set<ServiceKey> keys) {
        processBatch(keys, false);
    }

    private void processBatch(Set<ServiceKey> keys, boolean freeUnusedAddresses) {
        long started = System.nanoTime();
        metrics.batches.incrementAndGet();
        for (ServiceKey key : keys) {
            Optional<RegistryService> state;
            try {
                state = source.read(key);
                metrics.servicesRead.incrementAndGet();
            } catch (RuntimeException e) {
                metrics.readFailures.incrementAndGet();
                LOG.warn("nacos-istio-plugin: could not read service {} from Nacos; keeping what was served", key, e);
                continue;
            }
            ServiceEntryIndex.Outcome outcome = index.apply(key, state);
            if (outcome != ServiceEntryIndex.Outcome.UNCHANGED && outcome != ServiceEntryIndex.Outcome.REMOVED) {
                metrics.servicesConverted.incrementAndGet();
            }
            if (outcome == ServiceEntryIndex.Outcome.NOT_SELECTED) {
                LOG.debug("nacos-istio-plugin: service {} is left out: {}", key, index.skipReasons(key));
            }
            if (outcome == ServiceEntryIndex.Outcome.REJECTED) {
                metrics.servicesRejected.incrementAndGet();
                LOG.warn("nacos-istio-plugin: service {} is not served as a ServiceEntry: {}", key,
                        index.skipReasons(key));
            }
        }
        if (freeUnusedAddresses) {
            index.addresses().freeUnusedHosts();
        }
        settleAddresses(index.addresses().commit());
        publish();
        metrics.lastBatchSize.set(keys.size());
        metrics.lastBatchNanos.set(System.nanoTime() - started);
    }

    /** Rebuilds what the commit changed; services it could not give an address are tried again shortly. */
    private void settleAddresses(CommitResult result) {
        index.refreshAddresses(result.changed());
        if (!result.retry().isEmpty()) {
            LOG.warn("nacos-istio-plugin: {} services are served without their address for now: {}",
                    result.retry().size(), index.addresses().current(result.retry().iterator().next()).problem());
            executor.schedule(() -> {
                for (ServiceKey key : result.retry()) {
                    debouncer.markDirty(key);
                }
            }, ADDRESS_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void publish() {
        ResourceSet set = index.snapshot();
        cache.publish(set);
        metrics.snapshotsPublished.incrementAndGet();
        lastView.set(index.view());
    }
}
