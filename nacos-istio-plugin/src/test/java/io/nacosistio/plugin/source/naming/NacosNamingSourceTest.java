package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.common.notify.Event;
import com.alibaba.nacos.common.notify.NotifyCenter;
import com.alibaba.nacos.common.notify.listener.SmartSubscriber;
import com.alibaba.nacos.naming.core.v2.client.manager.ClientManagerDelegate;
import com.alibaba.nacos.naming.core.v2.event.publisher.NamingEventPublisherFactory;
import com.alibaba.nacos.naming.core.v2.event.service.ServiceEvent;
import com.alibaba.nacos.naming.core.v2.index.ClientServiceIndexesManager;
import com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosInternalsMismatchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

class NacosNamingSourceTest {

    private final FakeNaming nacos = new FakeNaming();
    private final Map<Class<?>, Object> beans = Map.of(
            ClientServiceIndexesManager.class, nacos.indexes,
            ClientManagerDelegate.class, mock(ClientManagerDelegate.class),
            NamingMetadataManager.class, nacos.metadata);
    private NacosNamingSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.stop();
        }
        nacos.close();
    }

    @Test
    void aMissingBeanIsNamedAtCreation() {
        BeanLookup withoutMetadata = new BeanLookup() {
            @Override
            public <T> T get(Class<T> type) {
                if (type == NamingMetadataManager.class) {
                    throw new IllegalStateException("no such bean");
                }
                return type.cast(beans.get(type));
            }
        };

        assertThatThrownBy(() -> NacosNamingSource.create(withoutMetadata))
                .isInstanceOf(NacosInternalsMismatchException.class)
                .hasMessageContaining("has no com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager bean");
    }

    @Test
    void aNullBeanIsNamedAtCreation() {
        assertThatThrownBy(() -> NacosNamingSource.create(new BeanLookup() {
            @Override
            public <T> T get(Class<T> type) {
                return null;
            }
        })).isInstanceOf(NacosInternalsMismatchException.class).hasMessageContaining("ClientServiceIndexesManager");
    }

    @Test
    void theCatalogCheckReportsAServiceDeletedWithoutAnEvent() throws Exception {
        Service doomed = nacos.service("G", "doomed");
        source = NacosNamingSource.create(lookup(), 20);
        BlockingQueue<ServiceKey> notified = new LinkedBlockingQueue<>();
        source.start(key -> {
            if (key.namespaceId().equals(nacos.namespace)) {
                notified.add(key);
            }
        });
        assertThat(source.allServices()).contains(new ServiceKey(nacos.namespace, "G", "doomed"));

        nacos.removeService(doomed);

        assertThat(notified.poll(10, TimeUnit.SECONDS)).isEqualTo(new ServiceKey(nacos.namespace, "G", "doomed"));
        assertThat(source.read(new ServiceKey(nacos.namespace, "G", "doomed"))).isEmpty();
    }

    @Test
    void receivesNamingEventsThroughNacossNotifyCenterUntilStopped() throws Exception {
        Service orders = nacos.service("G", "orders");
        source = NacosNamingSource.create(lookup(), 0);
        BlockingQueue<ServiceKey> notified = new LinkedBlockingQueue<>();
        // Nacos may still deliver an earlier event for "orders" while stop() runs; only keys that arrive
        // after stop() has returned are a fault.
        AtomicBoolean stopped = new AtomicBoolean();
        BlockingQueue<ServiceKey> notifiedAfterStop = new LinkedBlockingQueue<>();
        source.start(key -> {
            if (key.namespaceId().equals(nacos.namespace)) {
                (stopped.get() ? notifiedAfterStop : notified).add(key);
            }
        });

        NotifyCenter.publishEvent(new ServiceEvent.ServiceChangedEvent(orders));

        assertThat(notified.poll(10, TimeUnit.SECONDS)).isEqualTo(new ServiceKey(nacos.namespace, "G", "orders"));
        source.stop();
        stopped.set(true);
        // One publisher thread delivers these events in order: once a probe registered after stop() has seen
        // a later event, the stopped source would have seen the earlier one.
        BlockingQueue<Service> probed = new LinkedBlockingQueue<>();
        SmartSubscriber probe = new SmartSubscriber() {
            @Override
            public List<Class<? extends Event>> subscribeTypes() {
                return List.of(ServiceEvent.ServiceChangedEvent.class);
            }

            @Override
            public void onEvent(Event event) {
                probed.add(((ServiceEvent) event).getService());
            }
        };
        NotifyCenter.publishEvent(new ServiceEvent.ServiceChangedEvent(orders));
        NotifyCenter.registerSubscriber(probe, NamingEventPublisherFactory.getInstance());
        try {
            Service marker = nacos.service("G", "marker");
            NotifyCenter.publishEvent(new ServiceEvent.ServiceChangedEvent(marker));
            Service seen;
            do {
                seen = probed.poll(10, TimeUnit.SECONDS);
            } while (seen != null && seen != marker);
            assertThat(seen).isSameAs(marker);
        } finally {
            NotifyCenter.deregisterSubscriber(probe);
        }
        assertThat(notifiedAfterStop).isEmpty();
    }

    @Test
    void startsOnceAndStopsIdempotently() {
        source = NacosNamingSource.create(lookup(), 0);
        source.start(key -> { });

        assertThatThrownBy(() -> source.start(key -> { })).isInstanceOf(IllegalStateException.class);
        source.stop();
        source.stop();
    }

    private BeanLookup lookup() {
        return new BeanLookup() {
            @Override
            public <T> T get(Class<T> type) {
                return type.cast(beans.get(type));
            }
        };
    }
}
