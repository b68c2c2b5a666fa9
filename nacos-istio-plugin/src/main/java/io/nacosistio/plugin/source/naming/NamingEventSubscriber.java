package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.common.notify.Event;
import com.alibaba.nacos.common.notify.listener.SmartSubscriber;
import com.alibaba.nacos.naming.core.v2.client.Client;
import com.alibaba.nacos.naming.core.v2.event.client.ClientEvent;
import com.alibaba.nacos.naming.core.v2.event.metadata.MetadataEvent;
import com.alibaba.nacos.naming.core.v2.event.service.ServiceEvent;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.ServiceKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Listens, in-process, to the naming events Nacos itself reacts to when it pushes to its clients:
 * <ul>
 *   <li>{@code ServiceChangedEvent}: registrations, deregistrations, instance updates, health changes and
 *   the same changes synced from other cluster nodes (Distro), and clients that disconnected or expired;</li>
 *   <li>{@code ServiceMetadataEvent} / {@code InstanceMetadataEvent}: metadata edited through the console or
 *   the open API, and services removed by an operator or by the empty-service cleaner;</li>
 *   <li>{@code ClientDisconnectEvent}: every service the departed client published, in case a version
 *   raises no separate service event for it.</li>
 * </ul>
 * Runs on Nacos's notify threads: it only turns each event into {@link ServiceKey}s and hands them on.
 */
final class NamingEventSubscriber extends SmartSubscriber {

    private final RegistryChangeListener listener;

    NamingEventSubscriber(RegistryChangeListener listener) {
        this.listener = listener;
    }

    @Override
    public List<Class<? extends Event>> subscribeTypes() {
        List<Class<? extends Event>> types = new ArrayList<>();
        types.add(ServiceEvent.ServiceChangedEvent.class);
        types.add(MetadataEvent.ServiceMetadataEvent.class);
        types.add(MetadataEvent.InstanceMetadataEvent.class);
        types.add(ClientEvent.ClientDisconnectEvent.class);
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
                    for (Service service : client.getAllPublishedService()) {
                        notify(service);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Never disturb Nacos's notify thread; the periodic reconciliation heals a missed key.
            NacosNamingSource.LOG.warn("nacos-istio-plugin: ignoring naming event {}", event, e);
        }
    }

    private void notify(Service service) {
        if (service != null) {
            listener.serviceChanged(NacosNamingSource.keyOf(service));
        }
    }
}
