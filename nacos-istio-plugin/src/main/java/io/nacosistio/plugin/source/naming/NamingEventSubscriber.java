package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.common.notify.Event;
import com.alibaba.nacos.common.notify.NotifyCenter;
import com.alibaba.nacos.common.notify.listener.SmartSubscriber;
import com.alibaba.nacos.naming.core.v2.client.Client;
import com.alibaba.nacos.naming.core.v2.event.client.ClientEvent;
import com.alibaba.nacos.naming.core.v2.event.metadata.MetadataEvent;
import com.alibaba.nacos.naming.core.v2.event.publisher.NamingEventPublisherFactory;
import com.alibaba.nacos.naming.core.v2.event.service.ServiceEvent;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.nacos.Reflection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Listens, in-process, to the naming events Nacos itself reacts to:
 * <ul>
 *   <li>{@code ServiceChangedEvent} — what makes Nacos push to its subscribers: registrations,
 *   deregistrations and updates by any client, health changes (heartbeat timeouts, health checks),
 *   instance metadata edited by an operator, and all of these when synced from another cluster node
 *   (Distro, Raft); a disconnected or expired client raises one per service it had published;</li>
 *   <li>{@code ServiceMetadataEvent} — a service singleton was created (also for a service created
 *   empty through the API) or removed by the empty-service cleaner;</li>
 *   <li>{@code InstanceMetadataEvent} — an instance was published or removed;</li>
 *   <li>{@code ClientDisconnectEvent} — every service the departed client had published, even if it
 *   raised no service event of its own;</li>
 *   <li>{@code InfoChangeEvent$ServiceInfoChangeEvent}, Nacos 3 only and so looked up by name — service
 *   metadata or protect threshold updated through this node.</li>
 * </ul>
 * What raises no event at all (service metadata replicated to other nodes, and to this one in Nacos 2;
 * services deleted by an operator) is caught by {@link ServiceCatalogWatch}.
 *
 * <p>Threading: {@link #onEvent} runs on Nacos's naming event threads, which also drive Nacos's own
 * pushes. It only turns an event into service keys for the listener: no reads, no locks, never throws.
 */
final class NamingEventSubscriber extends SmartSubscriber {

    private static final Logger LOG = LoggerFactory.getLogger(NamingEventSubscriber.class);
    private static final String SERVICE_INFO_CHANGE_EVENT =
            "com.alibaba.nacos.naming.core.v2.event.metadata.InfoChangeEvent$ServiceInfoChangeEvent";

    private final RegistryChangeListener listener;
    /** Told every service an event names, or null when the catalog check is off. */
    private final ServiceCatalogWatch watch;
    /** Nacos 3's service-update event and its getService(), or null on Nacos 2. */
    private final Class<? extends Event> serviceInfoChangeEvent;
    private final Method serviceInfoChangeService;
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    /**
     * Set by {@link #deregister}: Nacos delivers some events on other publisher threads (slow events go
     * through its shared publisher), and one already taken from a queue may arrive after deregistration.
     */
    private volatile boolean deregistered;

    NamingEventSubscriber(RegistryChangeListener listener) {
        this(listener, null);
    }

    NamingEventSubscriber(RegistryChangeListener listener, ServiceCatalogWatch watch) {
        this.listener = listener;
        this.watch = watch;
        Class<? extends Event> infoEvent = null;
        Method getService = null;
        Class<?> candidate = Reflection.load(SERVICE_INFO_CHANGE_EVENT, getClass().getClassLoader());
        if (candidate != null && Event.class.isAssignableFrom(candidate)) {
            try {
                getService = candidate.getMethod("getService");
                if (Service.class.isAssignableFrom(getService.getReturnType())) {
                    infoEvent = candidate.asSubclass(Event.class);
                } else {
                    getService = null;
                }
            } catch (NoSuchMethodException e) {
                getService = null;
            }
        }
        this.serviceInfoChangeEvent = infoEvent;
        this.serviceInfoChangeService = getService;
    }

    /**
     * Subscribes through Nacos's naming publisher factory, as Nacos's own naming subscribers do: if this
     * ran before Nacos registered a publisher for one of these events, a default publisher would
     * otherwise be created in its place and change how Nacos dispatches it.
     */
    void register() {
        NotifyCenter.registerSubscriber(this, NamingEventPublisherFactory.getInstance());
    }

    void deregister() {
        deregistered = true;
        NotifyCenter.deregisterSubscriber(this);
    }

    boolean seesServiceInfoChanges() {
        return serviceInfoChangeEvent != null;
    }

    @Override
    public List<Class<? extends Event>> subscribeTypes() {
        List<Class<? extends Event>> types = new ArrayList<>();
        types.add(ServiceEvent.ServiceChangedEvent.class);
        types.add(MetadataEvent.ServiceMetadataEvent.class);
        types.add(MetadataEvent.InstanceMetadataEvent.class);
        types.add(ClientEvent.ClientDisconnectEvent.class);
        if (serviceInfoChangeEvent != null) {
            types.add(serviceInfoChangeEvent);
        }
        return types;
    }

    @Override
    public void onEvent(Event event) {
        try {
            if (event instanceof ServiceEvent) {
                notify(((ServiceEvent) event).getService());
            } else if (event instanceof MetadataEvent) {
                notify(((MetadataEvent) event).getService());
            } else if (event instanceof ClientEvent) {
                Client client = ((ClientEvent) event).getClient();
                if (client != null) {
                    Collection<Service> published = client.getAllPublishedService();
                    for (Service service : published) {
                        notify(service);
                    }
                }
            } else if (serviceInfoChangeEvent != null && serviceInfoChangeEvent.isInstance(event)) {
                notify((Service) serviceInfoChangeService.invoke(event));
            }
        } catch (Exception | LinkageError e) {
            // Never disturb Nacos's event thread; the catalog watch and the index's resync heal a lost key.
            if (failureLogged.compareAndSet(false, true)) {
                LOG.warn("nacos-istio-plugin: could not handle naming event {} (logged once)", event, e);
            } else {
                LOG.debug("nacos-istio-plugin: could not handle naming event {}", event, e);
            }
        }
    }

    private void notify(Service service) {
        if (service != null && !deregistered) {
            if (watch != null) {
                watch.announced(service);
            }
            listener.serviceChanged(NamingRegistryReader.keyOf(service));
        }
    }
}
