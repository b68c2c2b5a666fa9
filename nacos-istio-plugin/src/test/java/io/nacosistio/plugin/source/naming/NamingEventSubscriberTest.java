package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.naming.core.v2.client.Client;
import com.alibaba.nacos.naming.core.v2.event.client.ClientEvent;
import com.alibaba.nacos.naming.core.v2.event.metadata.MetadataEvent;
import com.alibaba.nacos.naming.core.v2.event.service.ServiceEvent;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class NamingEventSubscriberTest {

    private final List<ServiceKey> notified = new CopyOnWriteArrayList<>();
    private final NamingEventSubscriber subscriber = new NamingEventSubscriber(notified::add);
    private final Service orders = Service.newService("public", "TRADE", "orders");
    private final Service stock = Service.newService("dev", "DEFAULT_GROUP", "stock");

    @Test
    void subscribesToWhatNacosReactsToForPushes() {
        assertThat(subscriber.subscribeTypes()).contains(ServiceEvent.ServiceChangedEvent.class,
                MetadataEvent.ServiceMetadataEvent.class, MetadataEvent.InstanceMetadataEvent.class,
                ClientEvent.ClientDisconnectEvent.class);
        // Nacos 2.3 has no service-update event: the catalog watch covers it there.
        assertThat(subscriber.seesServiceInfoChanges()).isFalse();
        assertThat(subscriber.subscribeTypes()).hasSize(4);
    }

    @Test
    void aServiceEventNamesItsService() {
        subscriber.onEvent(new ServiceEvent.ServiceChangedEvent(orders));

        assertThat(notified).containsExactly(new ServiceKey("public", "TRADE", "orders"));
    }

    @Test
    void metadataEventsNameTheirService() {
        subscriber.onEvent(new MetadataEvent.ServiceMetadataEvent(orders, true));
        subscriber.onEvent(new MetadataEvent.InstanceMetadataEvent(stock, "10.0.0.1:80:DEFAULT", false));

        assertThat(notified).containsExactly(new ServiceKey("public", "TRADE", "orders"),
                new ServiceKey("dev", "DEFAULT_GROUP", "stock"));
    }

    @Test
    void aDisconnectNamesEveryServiceTheClientPublished() {
        Client client = mock(Client.class);
        when(client.getAllPublishedService()).thenReturn(List.of(orders, stock));

        subscriber.onEvent(new ClientEvent.ClientDisconnectEvent(client, true));

        assertThat(notified).containsExactlyInAnyOrder(new ServiceKey("public", "TRADE", "orders"),
                new ServiceKey("dev", "DEFAULT_GROUP", "stock"));
    }

    @Test
    void aFailingEventNeverReachesNacossEventThread() {
        Client client = mock(Client.class);
        when(client.getAllPublishedService()).thenThrow(new IllegalStateException("broken client"));
        NamingEventSubscriber failing = new NamingEventSubscriber(key -> {
            throw new IllegalStateException("broken listener");
        });

        assertThatCode(() -> {
            subscriber.onEvent(new ClientEvent.ClientDisconnectEvent(client, true));
            failing.onEvent(new ServiceEvent.ServiceChangedEvent(orders));
        }).doesNotThrowAnyException();
        assertThat(notified).isEmpty();
    }
}
