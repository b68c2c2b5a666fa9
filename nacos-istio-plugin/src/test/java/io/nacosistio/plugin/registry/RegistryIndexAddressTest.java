package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.AddressBook;
import io.nacosistio.plugin.address.AddressSettings;
import io.nacosistio.plugin.address.InMemorySharedConfig;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The index serves each ServiceEntry with the addresses of the committed table. */
class RegistryIndexAddressTest {

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final InMemorySharedConfig table = new InMemorySharedConfig();

    private final ServiceConverter converter = service -> ConvertedService.accepted(
            "public/" + service.key().serviceName(), service.key().serviceName() + ".nacos", "v1", Map.of(), Map.of(),
            ServiceEntry.newBuilder().addHosts(service.key().serviceName() + ".nacos")
                    .setResolution(ServiceEntry.Resolution.STATIC).build().toByteString());

    private RegistryIndex index() {
        AddressBook book = new AddressBook(new AddressSettings(true, "10.224.0.0/16", "", 3_600_000, "istio.addresses"),
                table, clock::get, new AddressMetrics());
        book.load();
        return new RegistryIndex(converter, book, clock::get);
    }

    @Test
    void aNewServiceIsServedWithItsAddressInItsFirstVersion() throws Exception {
        RegistryIndex index = index();
        index.apply(key("a"), state("a", Map.of()));
        assertThat(index.addresses().commit().changed()).isEmpty();
        ServiceEntry a = served(index, "public/a");
        assertThat(a.getAddressesList()).hasSize(1);
        assertThat(table.content()).contains(a.getAddresses(0) + " a.nacos");
        assertThat(resource(index, "public/a").version()).isNotEqualTo("v1");
    }

    @Test
    void twoIndexesOnTheSameTableServeIdenticalBytesAndVersions() throws Exception {
        RegistryIndex node1 = index();
        RegistryIndex node2 = index();
        for (String s : List.of("a", "b", "c")) {
            node1.apply(key(s), state(s, Map.of()));
        }
        node1.refreshAddresses(node1.addresses().commit().changed());
        for (String s : List.of("c", "b", "a")) {
            node2.apply(key(s), state(s, Map.of()));
        }
        node2.refreshAddresses(node2.addresses().commit().changed());
        assertThat(node2.snapshot().version()).isEqualTo(node1.snapshot().version());
        for (String s : List.of("a", "b", "c")) {
            assertThat(resource(node2, "public/" + s).packed()).isEqualTo(resource(node1, "public/" + s).packed());
        }
    }

    @Test
    void aRefusedOverrideIsServedWithoutAddressAndListedWithItsReason() throws Exception {
        RegistryIndex index = index();
        index.apply(key("a"), state("a", Map.of("istio.addresses", "10.9.0.1")));
        index.apply(key("b"), state("b", Map.of("istio.addresses", "10.9.0.1")));
        index.addresses().commit();
        assertThat(served(index, "public/a").getAddressesList()).containsExactly("10.9.0.1");
        assertThat(served(index, "public/b").getAddressesList()).isEmpty();
        assertThat(index.view().addresses().problems()).containsOnlyKeys(key("b"));
        assertThat(index.view().addresses().problems().get(key("b"))).contains("already the chosen address of a.nacos");
        assertThat(index.view().skipped()).isEmpty();
    }

    @Test
    void aRemovedServiceFreesItsAddress() throws Exception {
        RegistryIndex index = index();
        index.apply(key("a"), state("a", Map.of()));
        index.addresses().commit();
        String address = served(index, "public/a").getAddresses(0);
        index.apply(key("a"), Optional.empty());
        index.addresses().commit();
        assertThat(table.content()).contains(address + " a.nacos freed=" + clock.get());
    }

    private static McpResource resource(RegistryIndex index, String name) {
        return index.snapshot().resources().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static ServiceEntry served(RegistryIndex index, String name) throws Exception {
        Resource r = Resource.parseFrom(resource(index, name).packed().getValue());
        return ServiceEntry.parseFrom(r.getBody().getValue());
    }

    private static ServiceKey key(String name) {
        return new ServiceKey("public", "DEFAULT_GROUP", name);
    }

    private static Optional<RegistryService> state(String name, Map<String, String> metadata) {
        return Optional.of(new RegistryService(key(name), 0, metadata, List.of()));
    }
}
