package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.CommitResult;
import io.nacosistio.plugin.address.DeclaredAddresses;
import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.metrics.RegistryMetrics;
import io.nacosistio.plugin.reconcile.BatchRecord;
import io.nacosistio.plugin.reconcile.LoopSetup;
import io.nacosistio.plugin.reconcile.Reason;
import io.nacosistio.plugin.reconcile.ReconcileLoop;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.RegistrySource;
import io.nacosistio.plugin.source.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the ServiceEntry index in step with the registry: the registry's configuration of the
 * {@link ReconcileLoop}. A batch reads each changed service, converts it into the index, commits the address
 * book (one compare-and-set write of the address table when anything changed) and publishes one new
 * ServiceEntry set, so a new service goes out with its committed VIP in its first version.
 *
 * <p>Threading: the loop's thread ({@code nacos-mesh-index}) owns the index and does all reading, converting
 * and publishing; Nacos's event threads only mark keys dirty. Two periodic checks heal what no event reports: a
 * cheap membership check compares the registry's service list with the index (Nacos raises no event when an
 * operator deletes an empty service), and the loop's full reconciliation re-reads every service. A change of
 * the stored address table (another node's write) is handled on the same thread.
 */
public final class RegistryUpdater implements AutoCloseable {

    /** The pipeline's name in metrics and the debug view. */
    public static final String PIPELINE = "registry";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryUpdater.class);
    /** How soon services left without an address by a failed table write are tried again. */
    static final long ADDRESS_RETRY_MILLIS = 2_000;

    private final RegistrySource source;
    private final RegistryIndex index;
    private final SetPublisher cache;
    private final RegistryMetrics metrics;
    private final long membershipCheckMillis;
    private final ReconcileLoop<ServiceKey> loop;
    private final AtomicReference<RegistryView> lastView = new AtomicReference<>();

    /** @param membershipCheckMillis 0 for no membership check */
    public RegistryUpdater(RegistrySource source, RegistryIndex index, SetPublisher cache, RegistryMetrics metrics,
            LoopSetup setup, long membershipCheckMillis) {
        this.source = source;
        this.index = index;
        this.cache = cache;
        this.metrics = metrics;
        this.membershipCheckMillis = membershipCheckMillis;
        this.loop = new ReconcileLoop<>(setup, new RegistryPipeline());
        this.lastView.set(index.view());
    }

    /** Subscribes to the registry and loads every service before returning. */
    public void start() throws InterruptedException {
        source.start(new RegistryChangeListener() {
            @Override
            public void serviceChanged(ServiceKey key) {
                metrics.changeNotifications.incrementAndGet();
                loop.markDirty(key, Reason.EVENT);
            }

            @Override
            public void serviceChangedWithoutEvent(ServiceKey key) {
                metrics.changeNotifications.incrementAndGet();
                loop.markDirty(key, Reason.CATALOG_CHECK);
            }
        });
        try {
            loop.start().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("initial registry snapshot failed", e.getCause());
        }
        if (membershipCheckMillis > 0) {
            loop.every(membershipCheckMillis, "membership check", this::checkMembership);
        }
    }

    /**
     * Re-reads every service (on the index thread, after what is queued there), publishes the result, then
     * runs {@code whenDone}; a failed re-read is logged and still runs it. Safe from any thread.
     */
    public void reconcileThen(Runnable whenDone) {
        loop.reconcileAllThen(Reason.READINESS, whenDone);
    }

    /** The stored address table changed (any node's write); safe from any thread. */
    public void addressTableChanged() {
        loop.execute("address table change", () -> settleAndPublish(index.addresses().reload()));
    }

    /**
     * The addresses config-center ServiceEntries declare are now {@code declared}: registry services whose VIP
     * or override they cover are rebuilt without it and published. Returns once that is published, so a
     * caller that publishes the config-center entries afterwards never has an address served twice. Safe from
     * any thread but the index thread.
     */
    public void declaredAddressesChanged(DeclaredAddresses declared) throws InterruptedException {
        try {
            loop.submit(() -> settleAndPublish(index.addresses().declare(declared))).get();
        } catch (RejectedExecutionException e) {
            // closing
        } catch (ExecutionException e) {
            LOG.warn("nacos-istio-plugin: applying the addresses config-center ServiceEntries declare failed", e.getCause());
        }
    }

    /** The latest picture of the index; safe from any thread. */
    public RegistryView view() {
        return lastView.get();
    }

    /** The registry loop's last batches, oldest first; safe from any thread. */
    public List<BatchRecord> recentBatches() {
        return loop.recentBatches();
    }

    /** Stops notifications and the index thread; once this returns nothing of the updater runs. */
    @Override
    public void close() {
        source.stop();
        loop.close();
    }

    /** Marks services that appeared or vanished without an event; reads nothing else. */
    private void checkMembership() {
        Set<ServiceKey> inRegistry = new HashSet<>(source.allServices());
        Set<ServiceKey> inIndex = new HashSet<>(index.knownKeys());
        for (ServiceKey key : inIndex) {
            if (!inRegistry.contains(key)) {
                loop.markDirty(key, Reason.MEMBERSHIP_CHECK);
            }
        }
        for (ServiceKey key : inRegistry) {
            if (!inIndex.contains(key)) {
                loop.markDirty(key, Reason.MEMBERSHIP_CHECK);
            }
        }
    }

    private void settleAndPublish(CommitResult result) {
        if (!result.changed().isEmpty() || !result.retry().isEmpty()) {
            settleAddresses(result);
            publish();
        }
    }

    /** Rebuilds what the commit changed; services it could not give an address are tried again shortly. */
    private void settleAddresses(CommitResult result) {
        index.refreshAddresses(result.changed());
        if (!result.retry().isEmpty()) {
            LOG.warn("nacos-istio-plugin: {} services are served without their address for now: {}",
                    result.retry().size(), index.addresses().current(result.retry().iterator().next()).problem());
            loop.schedule(ADDRESS_RETRY_MILLIS, "address retry", () -> {
                for (ServiceKey key : result.retry()) {
                    loop.markDirty(key, Reason.ADDRESS_RETRY);
                }
            });
        }
    }

    private void publish() {
        cache.publish(index.snapshot());
        metrics.snapshotsPublished.incrementAndGet();
        lastView.set(index.view());
    }

    /** Reading, converting and publishing services: what the registry's loop runs. */
    private final class RegistryPipeline implements ReconcileLoop.Pipeline<ServiceKey> {

        @Override
        public Collection<ServiceKey> allKeys() {
            Set<ServiceKey> keys = new LinkedHashSet<>(source.allServices());
            keys.addAll(index.knownKeys());
            return keys;
        }

        @Override
        public void apply(ServiceKey key) {
            Optional<RegistryService> state;
            try {
                state = source.read(key);
                metrics.servicesRead.incrementAndGet();
            } catch (RuntimeException e) {
                metrics.readFailures.incrementAndGet();
                LOG.warn("nacos-istio-plugin: could not read service {} from Nacos; keeping what was served", key, e);
                return;
            }
            RegistryIndex.Outcome outcome = index.apply(key, state);
            if (outcome != RegistryIndex.Outcome.UNCHANGED && outcome != RegistryIndex.Outcome.REMOVED) {
                metrics.servicesConverted.incrementAndGet();
            }
            if (outcome == RegistryIndex.Outcome.NOT_SELECTED) {
                LOG.debug("nacos-istio-plugin: service {} is left out: {}", key, index.skipReasons(key));
            }
            if (outcome == RegistryIndex.Outcome.REJECTED) {
                metrics.servicesRejected.incrementAndGet();
                LOG.warn("nacos-istio-plugin: service {} is not served as a ServiceEntry: {}", key,
                        index.skipReasons(key));
            }
        }

        /**
         * Commits the batch's addresses, then publishes. A periodic reconciliation (not the first read) also frees
         * the addresses of hosts no service uses any more: services deleted while no plugin was running.
         */
        @Override
        public void publish(Set<Reason> reasons) {
            if (reasons.contains(Reason.RESYNC)) {
                index.addresses().freeUnusedHosts();
            }
            settleAddresses(index.addresses().commit());
            RegistryUpdater.this.publish();
        }
    }
}
