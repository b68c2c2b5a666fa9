package io.nacosistio.plugin.source.naming;

import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.RegistrySource;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosInternalsMismatchException;
import io.nacosistio.plugin.source.nacos.Reflection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Nacos registry, read in-process from the v2 naming core that Nacos 2.x and 3.x share: naming events
 * ({@link NamingEventSubscriber}) and a cheap periodic catalog check ({@link ServiceCatalogWatch}) tell
 * which service changed; {@link NamingRegistryReader} reads a service's full state the way Nacos builds
 * its pushes. Reads nothing but Nacos's naming state and writes nothing to it.
 *
 * <p>Created only through {@link #create}, which fails at once, naming what is missing, when this Nacos
 * is not one the plugin knows how to read.
 *
 * <p>Threading: {@link #start} and {@link #stop} are called by the plugin's lifecycle and guarded by this
 * object's lock; {@link #allServices} and {@link #read} are safe from any thread. Listener calls come from
 * Nacos's naming event threads and from the catalog check's own daemon thread.
 */
public final class NacosNamingSource implements RegistrySource {

    /** How often the catalog check looks for metadata changes and deletions that raise no event. */
    public static final long DEFAULT_CATALOG_CHECK_MILLIS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(NacosNamingSource.class);

    private final NamingRegistryReader reader;
    private final long catalogCheckMillis;
    private NamingEventSubscriber subscriber;
    private ScheduledExecutorService catalogCheck;

    NacosNamingSource(NamingRegistryReader reader, long catalogCheckMillis) {
        this.reader = reader;
        this.catalogCheckMillis = catalogCheckMillis;
    }

    /** {@link #create(BeanLookup, long)} with the default catalog check interval. */
    public static NacosNamingSource create(BeanLookup beans) {
        return create(beans, DEFAULT_CATALOG_CHECK_MILLIS);
    }

    /**
     * Finds Nacos's naming beans ({@code ClientServiceIndexesManager}, {@code ClientManagerDelegate},
     * {@code NamingMetadataManager}) through {@code beans} after checking that every Nacos class and method
     * the source uses exists.
     *
     * @param catalogCheckMillis interval of the catalog check; 0 or less turns it off (then service metadata
     *                           edits and operator deletions are only seen by the index's own resync)
     * @throws NacosInternalsMismatchException naming every missing class, method or bean
     */
    public static NacosNamingSource create(BeanLookup beans, long catalogCheckMillis) {
        ClassLoader loader = NacosNamingSource.class.getClassLoader();
        NamingInternalsCheck.verify(NamingInternalsCheck.NAMING_CORE, loader);
        // Looked up by name and handed over untyped: this class stays loadable on any Nacos, so that the
        // check above is what reports a mismatch.
        Object indexes = bean(beans, NamingInternalsCheck.CLIENT_SERVICE_INDEXES_MANAGER, loader);
        Object clients = bean(beans, NamingInternalsCheck.CLIENT_MANAGER_DELEGATE, loader);
        Object metadata = bean(beans, NamingInternalsCheck.NAMING_METADATA_MANAGER, loader);
        return new NacosNamingSource(NamingRegistryReader.ofBeans(indexes, clients, metadata), catalogCheckMillis);
    }

    @Override
    public synchronized void start(RegistryChangeListener listener) {
        if (subscriber != null) {
            throw new IllegalStateException("already started");
        }
        RegistryChangeListener safe = new SafeListener(listener);
        ServiceCatalogWatch watch = catalogCheckMillis > 0
                ? new ServiceCatalogWatch(reader.metadataManager(), safe) : null;
        subscriber = new NamingEventSubscriber(safe, watch);
        if (watch != null) {
            // Seeded before events flow: a service created in between is reported by the first check.
            watch.seed();
        }
        subscriber.register();
        if (watch != null) {
            catalogCheck = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nacos-mesh-catalog-check");
                t.setDaemon(true);
                return t;
            });
            catalogCheck.scheduleWithFixedDelay(watch::checkSafely, catalogCheckMillis, catalogCheckMillis,
                    TimeUnit.MILLISECONDS);
        }
        LOG.info("nacos-istio-plugin: watching Nacos naming events{}{}",
                subscriber.seesServiceInfoChanges() ? " (with service update events)" : "",
                catalogCheckMillis > 0 ? ", catalog checked every " + catalogCheckMillis + " ms" : "");
    }

    @Override
    public Collection<ServiceKey> allServices() {
        return reader.allServices();
    }

    @Override
    public Optional<RegistryService> read(ServiceKey key) {
        return reader.read(key);
    }

    @Override
    public synchronized void stop() {
        if (catalogCheck != null) {
            catalogCheck.shutdownNow();
            catalogCheck = null;
        }
        if (subscriber != null) {
            subscriber.deregister();
            subscriber = null;
        }
    }

    private static Object bean(BeanLookup beans, String className, ClassLoader loader) {
        Class<?> type = Reflection.load(className, loader);
        Object bean;
        try {
            bean = beans.get(type);
        } catch (RuntimeException e) {
            throw new NacosInternalsMismatchException("nacos-istio-plugin cannot read this Nacos's service "
                    + "registry: it has no " + className + " bean (" + e.getMessage() + ")", e);
        }
        if (bean == null) {
            throw new NacosInternalsMismatchException("nacos-istio-plugin cannot read this Nacos's service "
                    + "registry: it has no " + className + " bean");
        }
        return bean;
    }

    /** Keeps a listener failure away from Nacos's event threads and the catalog check's schedule. */
    private static final class SafeListener implements RegistryChangeListener {
        private final RegistryChangeListener delegate;
        private volatile boolean failureLogged;

        SafeListener(RegistryChangeListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void serviceChanged(ServiceKey key) {
            try {
                delegate.serviceChanged(key);
            } catch (RuntimeException e) {
                logOnce(key, e);
            }
        }

        @Override
        public void serviceChangedWithoutEvent(ServiceKey key) {
            try {
                delegate.serviceChangedWithoutEvent(key);
            } catch (RuntimeException e) {
                logOnce(key, e);
            }
        }

        private void logOnce(ServiceKey key, RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("nacos-istio-plugin: registry change listener failed for {} (logged once)", key, e);
            }
        }
    }
}
