package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ServiceCatalogWatchTest {

    private final FakeNaming nacos = new FakeNaming();
    private final List<ServiceKey> notified = new CopyOnWriteArrayList<>();
    /** Records what the check reports, which must come as changes Nacos raised no event for. */
    private final ServiceCatalogWatch watch = new ServiceCatalogWatch(nacos.metadata, new RegistryChangeListener() {
        @Override
        public void serviceChanged(ServiceKey key) {
            throw new AssertionError("the catalog check reported " + key + " as an event");
        }

        @Override
        public void serviceChangedWithoutEvent(ServiceKey key) {
            notified.add(key);
        }
    });

    @AfterEach
    void removeServices() {
        nacos.close();
    }

    @Test
    void theCatalogAsSeededRaisesNothing() {
        Service service = nacos.service("G", "quiet");
        nacos.setServiceMetadata(service, 0.5f, Map.of());
        watch.seed();

        watch.check();

        assertThat(ours()).isEmpty();
    }

    @Test
    void newServiceMetadataIsAChange() {
        Service edited = nacos.service("G", "edited");
        Service untouched = nacos.service("G", "untouched");
        nacos.setServiceMetadata(edited, 0f, Map.of());
        nacos.setServiceMetadata(untouched, 0f, Map.of());
        watch.seed();

        // Nacos stores a new ServiceMetadata object for every update (Raft apply), even with equal content.
        nacos.setServiceMetadata(edited, 0.8f, Map.of("owner", "b"));
        watch.check();
        watch.check();

        assertThat(ours()).containsExactly(key("G", "edited"));
    }

    @Test
    void metadataThatAppearsOrVanishesIsAChange() {
        Service service = nacos.service("G", "flip");
        watch.seed();

        nacos.setServiceMetadata(service, 0.1f, Map.of());
        watch.check();

        assertThat(ours()).containsExactly(key("G", "flip"));
    }

    @Test
    void aServiceDeletedWithoutAnEventIsNoticedOnce() {
        Service doomed = nacos.service("G", "doomed");
        nacos.service("G", "kept");
        watch.seed();

        nacos.removeService(doomed);
        watch.check();
        watch.check();

        assertThat(ours()).containsExactly(key("G", "doomed"));
    }

    @Test
    void aServiceThatAppearedIsNoticedOnce() {
        watch.seed();

        nacos.service("G", "newcomer");
        watch.check();
        watch.check();

        assertThat(ours()).containsExactly(key("G", "newcomer"));
    }

    @Test
    void anAnnouncedServiceDeletedBeforeAnyCheckSawItIsReportedGone() {
        watch.seed();
        Service fleeting = nacos.service("G", "fleeting");
        watch.announced(fleeting);
        nacos.removeService(fleeting);

        watch.check();
        watch.check();

        assertThat(ours()).containsExactly(key("G", "fleeting"));
    }

    @Test
    void anAnnouncedServiceThatStillExistsIsReportedOnlyAsNew() {
        watch.seed();
        Service fresh = nacos.service("G", "fresh");
        watch.announced(fresh);

        watch.check();
        watch.announced(fresh);
        watch.check();

        assertThat(ours()).containsExactly(key("G", "fresh"));
    }

    @Test
    void aFailingCheckDoesNotEscapeTheScheduler() {
        ServiceCatalogWatch failing = new ServiceCatalogWatch(nacos.metadata, key -> {
            throw new IllegalStateException("broken listener");
        });
        failing.seed();
        nacos.service("G", "trigger");

        assertThatCode(failing::checkSafely).doesNotThrowAnyException();
    }

    /** Notifications for this test's namespace (other test classes may share the Nacos singleton). */
    private List<ServiceKey> ours() {
        return notified.stream().filter(k -> k.namespaceId().equals(nacos.namespace)).collect(Collectors.toList());
    }

    private ServiceKey key(String group, String name) {
        return new ServiceKey(nacos.namespace, group, name);
    }
}
