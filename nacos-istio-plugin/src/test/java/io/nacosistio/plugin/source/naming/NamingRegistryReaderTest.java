package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.naming.core.v2.pojo.BatchInstancePublishInfo;
import com.alibaba.nacos.naming.core.v2.pojo.InstancePublishInfo;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.nacosistio.plugin.source.naming.FakeNaming.instance;
import static org.assertj.core.api.Assertions.assertThat;

class NamingRegistryReaderTest {

    private final FakeNaming nacos = new FakeNaming();
    private final NamingRegistryReader reader = nacos.reader();

    @AfterEach
    void removeServices() {
        nacos.close();
    }

    @Test
    void readsEveryInstanceOfEveryClientWithServiceMetadata() {
        Service service = nacos.service("TRADE", "orders");
        nacos.publish("conn-1", service, instance("10.0.0.2", 8080, "DEFAULT", true,
                Map.of("version", "v1", "publishInstanceWeight", 2.0)));
        nacos.publish("conn-2", service, instance("10.0.0.1", 8081, "east", false,
                Map.of("publishInstanceEnable", false)));
        nacos.setServiceMetadata(service, 0.6f, Map.of("owner", "team-a"));

        RegistryService read = reader.read(key("TRADE", "orders")).orElseThrow();

        assertThat(read.key()).isEqualTo(key("TRADE", "orders"));
        assertThat(read.protectThreshold()).isEqualTo(0.6f);
        assertThat(read.metadata()).containsExactly(Map.entry("owner", "team-a"));
        assertThat(read.instances()).containsExactly(
                new RegistryInstance("10.0.0.1", 8081, 1.0, false, false, true, "east", Map.of()),
                new RegistryInstance("10.0.0.2", 8080, 2.0, true, true, true, "DEFAULT", Map.of("version", "v1")));
    }

    @Test
    void appliesTheInstanceMetadataOperatorsSetOnTopOfWhatTheClientPublished() {
        Service service = nacos.service("DEFAULT_GROUP", "edited");
        nacos.publish("conn-1", service, instance("10.0.0.1", 8080, "DEFAULT", true,
                Map.of("version", "v1", "zone", "a")));
        nacos.setInstanceMetadata(service, InstancePublishInfo.genMetadataId("10.0.0.1", 8080, "DEFAULT"), 7.0,
                false, Map.of("zone", "b", "canary", "true"));

        RegistryInstance only = reader.read(key("DEFAULT_GROUP", "edited")).orElseThrow().instances().get(0);

        assertThat(only.weight()).isEqualTo(7.0);
        assertThat(only.enabled()).isFalse();
        assertThat(only.metadata()).containsOnly(Map.entry("version", "v1"), Map.entry("zone", "b"),
                Map.entry("canary", "true"));
    }

    @Test
    void unfoldsABatchRegistration() {
        Service service = nacos.service("DEFAULT_GROUP", "batch");
        BatchInstancePublishInfo batch = new BatchInstancePublishInfo();
        batch.setInstancePublishInfos(List.of(
                instance("10.0.0.3", 80, "DEFAULT", true, Map.of()),
                instance("10.0.0.1", 80, "DEFAULT", true, Map.of()),
                instance("10.0.0.2", 80, "DEFAULT", true, Map.of())));
        nacos.publish("batch-client", service, batch);

        assertThat(reader.read(key("DEFAULT_GROUP", "batch")).orElseThrow().instances())
                .extracting(RegistryInstance::ip).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
    }

    @Test
    void aServiceWithoutInstancesOrMetadataIsReadEmptyAndAMissingOneIsAbsent() {
        nacos.service("DEFAULT_GROUP", "empty");

        RegistryService empty = reader.read(key("DEFAULT_GROUP", "empty")).orElseThrow();

        assertThat(empty.instances()).isEmpty();
        assertThat(empty.protectThreshold()).isZero();
        assertThat(empty.metadata()).isEmpty();
        assertThat(reader.read(key("DEFAULT_GROUP", "never-registered"))).isEmpty();
    }

    @Test
    void aClientThatLeftBetweenIndexAndReadIsSkipped() {
        Service service = nacos.service("DEFAULT_GROUP", "racy");
        nacos.publish("present", service, instance("10.0.0.1", 80, "DEFAULT", true, Map.of()));
        nacos.publish("gone", service, null);

        assertThat(reader.read(key("DEFAULT_GROUP", "racy")).orElseThrow().instances()).hasSize(1);
    }

    @Test
    void identicalInstancesFromTwoClientsCountOnceAsInNacosPushes() {
        Service service = nacos.service("DEFAULT_GROUP", "twice");
        nacos.publish("a", service, instance("10.0.0.1", 80, "DEFAULT", true, Map.of("k", "v")));
        nacos.publish("b", service, instance("10.0.0.1", 80, "DEFAULT", true, Map.of("k", "v")));

        assertThat(reader.read(key("DEFAULT_GROUP", "twice")).orElseThrow().instances()).hasSize(1);
    }

    @Test
    void nullMetadataValuesBecomeEmptyStrings() {
        Service service = nacos.service("DEFAULT_GROUP", "nulls");
        Map<String, Object> datum = new HashMap<>();
        datum.put("blank", null);
        nacos.publish("a", service, instance("10.0.0.1", 80, "DEFAULT", true, datum));

        assertThat(reader.read(key("DEFAULT_GROUP", "nulls")).orElseThrow().instances().get(0).metadata())
                .containsExactly(Map.entry("blank", ""));
    }

    @Test
    void listsEveryServiceOfTheNamespace() {
        nacos.service("G1", "a");
        nacos.service("G2", "b");

        assertThat(reader.allServices()).contains(key("G1", "a"), key("G2", "b"));
    }

    @Test
    void findsTheLiveNacosService() {
        Service service = nacos.service("G1", "live");

        Optional<Service> found = reader.find(key("G1", "live"));

        assertThat(found).containsSame(service);
    }

    private ServiceKey key(String group, String name) {
        return new ServiceKey(nacos.namespace, group, name);
    }
}
