package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.naming.core.v2.ServiceManager;
import com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager;
import com.alibaba.nacos.naming.core.v2.metadata.ServiceMetadata;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.RegistryChangeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices the registry changes Nacos raises no event for, by comparing the service catalog with what it
 * saw last time:
 * <ul>
 *   <li>a service that vanished: deleted by an operator (console, API), on any node;</li>
 *   <li>a service that appeared without an event (defensive: every known path raises one);</li>
 *   <li>service metadata or protect threshold changed: Nacos 2 raises no event for it at all, Nacos 3
 *   only on the node that took the request, while Raft applies it on every node.</li>
 * </ul>
 * A check costs one map lookup per service and reads no instance: Nacos replaces a service's
 * {@code ServiceMetadata} object whenever it changes, so comparing object identity is enough.
 *
 * <p>Services named by naming events are {@linkplain #announced announced} to the watch, so that one
 * created and deleted between two checks, which the consumer may have read in between, is still
 * reported gone.
 *
 * <p>Threading: {@link #seed} runs once on the caller's thread before the check is scheduled; from
 * then on only the check's thread ({@link #check}) touches {@link #seen}. {@link #announced} is called
 * from Nacos's event threads and only adds to a concurrent set.
 */
final class ServiceCatalogWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCatalogWatch.class);
    /** Stands for "no metadata stored" so that a removed metadata object also counts as a change. */
    private static final Object NO_METADATA = new Object();

    private final NamingMetadataManager metadata;
    private final RegistryChangeListener listener;
    private final Map<Service, Object> seen = new HashMap<>();
    private final Set<Service> announcedSinceLastCheck = ConcurrentHashMap.newKeySet();
    private boolean failureLogged;

    ServiceCatalogWatch(NamingMetadataManager metadata, RegistryChangeListener listener) {
        this.metadata = metadata;
        this.listener = listener;
    }

    /** Remembers the current catalog without notifying: the first full listing covers it. */
    void seed() {
        seen.clear();
        ServiceManager manager = ServiceManager.getInstance();
        for (String namespace : manager.getAllNamespaces()) {
            for (Service service : manager.getSingletons(namespace)) {
                seen.put(service, metadataOf(service));
            }
        }
    }

    /** A naming event named this service; cheap, for Nacos's event threads. */
    void announced(Service service) {
        announcedSinceLastCheck.add(service);
    }

    /**
     * Notifies every service that appeared, vanished or got new metadata since the last check, and every
     * service announced since then that no longer exists.
     */
    int check() {
        int notified = 0;
        Set<Service> announced = new HashSet<>(announcedSinceLastCheck);
        announcedSinceLastCheck.removeAll(announced);
        Set<Service> present = new HashSet<>(seen.size() * 2);
        ServiceManager manager = ServiceManager.getInstance();
        for (String namespace : manager.getAllNamespaces()) {
            for (Service service : manager.getSingletons(namespace)) {
                present.add(service);
                Object current = metadataOf(service);
                Object before = seen.put(service, current);
                if (before != current) {
                    notified += notify(service);
                }
            }
        }
        for (Iterator<Service> it = seen.keySet().iterator(); it.hasNext(); ) {
            Service service = it.next();
            if (!present.contains(service)) {
                it.remove();
                announced.remove(service);
                notified += notify(service);
            }
        }
        for (Service service : announced) {
            if (!present.contains(service)) {
                notified += notify(service);
            }
        }
        return notified;
    }

    /** {@link #check} for a scheduler: never throws, so the schedule is never cancelled. */
    void checkSafely() {
        try {
            check();
        } catch (RuntimeException | LinkageError e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("nacos-istio-plugin: service catalog check failed; retrying at the next interval "
                        + "(logged once)", e);
            }
        }
    }

    private Object metadataOf(Service service) {
        ServiceMetadata current = metadata.getServiceMetadata(service).orElse(null);
        return current == null ? NO_METADATA : current;
    }

    private int notify(Service service) {
        listener.serviceChangedWithoutEvent(NamingRegistryReader.keyOf(service));
        return 1;
    }
}
