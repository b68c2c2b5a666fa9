package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.AddressBook;
import io.nacosistio.plugin.address.AddressSettings;
import io.nacosistio.plugin.address.AddressTable;
import io.nacosistio.plugin.address.InMemorySharedConfig;
import com.google.protobuf.Timestamp;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.metrics.RegistryMetrics;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The updater publishes ServiceEntries only with committed addresses and follows the stored table. */
class RegistryUpdaterAddressTest {

    private final RegistryUpdaterTest.MemoryRegistry registry = new RegistryUpdaterTest.MemoryRegistry();
    private final ResourceCache cache = new ResourceCache();
    private final InMemorySharedConfig table = new InMemorySharedConfig();
    private final AddressSettings settings = new AddressSettings(true, "10.224.0.0/16", "", 3_600_000, "istio.addresses");
    private RegistryUpdater updater;

    @AfterEach
    void close() {
        if (updater != null) {
            updater.close();
        }
    }

    private RegistryUpdater start() throws Exception {
        AddressBook book = new AddressBook(settings, table, System::currentTimeMillis, new AddressMetrics());
        book.load();
        RegistryIndex index = new RegistryIndex(s -> ConvertedService.accepted(
                "ns/" + s.key().serviceName(), s.key().serviceName() + ".nacos", "1", Map.of(), Map.of(),
                ServiceEntry.newBuilder().addHosts(s.key().serviceName() + ".nacos").build().toByteString()), book, System::currentTimeMillis);
        RegistryUpdater started = new RegistryUpdater(registry, index, cache, new RegistryMetrics(), RegistryUpdaterTest.loop(0), 0);
        table.watch(started::addressTableChanged);
        started.start();
        return started;
    }

    @Test
    void theFirstPublishedVersionAlreadyCarriesTheCommittedAddress() throws Exception {
        registry.services.put(key("a"), new RegistryService(key("a"), 0, Map.of(), List.of()));
        updater = start();
        List<String> addresses = addressesOf("ns/a");
        assertThat(addresses).hasSize(1);
        assertThat(table.content()).contains(addresses.get(0) + " a.nacos\n");
    }

    @Test
    void aHostAnotherNodeFreedIsTakenBackWithTheSameAddress() throws Exception {
        registry.services.put(key("a"), new RegistryService(key("a"), 0, Map.of(), List.of()));
        updater = start();
        String address = addressesOf("ns/a").get(0);
        // Another node that does not see service a frees it; the write's change event reaches this node.
        AddressBook other = new AddressBook(settings, table, System::currentTimeMillis, new AddressMetrics());
        other.load();
        other.freeUnusedHosts();
        other.commit();
        // This node may take the host back before the other node reads its own write back, so the free is
        // judged by what was stored, not by the other node's view.
        assertThat(table.history()).as("freed by the other node")
                .anyMatch(t -> !AddressTable.parse(t).records().get(address).isLive());
        await(() -> table.content().contains(address + " a.nacos\n"));
        assertThat(addressesOf("ns/a")).containsExactly(address);
    }

    @Test
    void aConfigCenterEntryDeclaringARegistryVipGoesOutOnlyWhileTheRegistryEntryIsWithoutIt() throws Exception {
        registry.services.put(key("a"), new RegistryService(key("a"), 0, Map.of(), List.of()));
        updater = start();
        String vip = addressesOf("ns/a").get(0);
        // What the registry's entry carried at the moment each config-center set went out.
        List<List<String>> registryWhenPublished = new ArrayList<>();
        DeclaringPublisher publisher = new DeclaringPublisher(set -> {
            try {
                registryWhenPublished.add(addressesOf("ns/a"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, updater);
        ServiceEntry legacy = ServiceEntry.newBuilder().addHosts("legacy.example.com").addAddresses(vip).build();
        publisher.publish(new ResourceSet(IstioKind.SERVICE_ENTRY, "v1", List.of(McpResource.of(IstioKind.SERVICE_ENTRY,
                "public/legacy", "1", Timestamp.getDefaultInstance(), Map.of(), Map.of(), legacy.toByteString()))));
        assertThat(registryWhenPublished).containsExactly(List.of());
        assertThat(updater.view().addresses().problems().get(key("a"))).contains("VIP " + vip + " is withheld",
                "public/legacy");
        assertThat(table.content()).as("a keeps its record").contains(vip + " a.nacos\n");

        publisher.publish(ResourceSet.empty(IstioKind.SERVICE_ENTRY));
        assertThat(registryWhenPublished).as("given back only after the declaring entry is gone")
                .containsExactly(List.of(), List.of());
        assertThat(addressesOf("ns/a")).containsExactly(vip);
        assertThat(updater.view().addresses().problems()).isEmpty();
    }

    private List<String> addressesOf(String name) throws Exception {
        for (var r : cache.current(IstioKind.SERVICE_ENTRY).resources()) {
            if (r.name().equals(name)) {
                return ServiceEntry.parseFrom(Resource.parseFrom(r.packed().getValue()).getBody().getValue())
                        .getAddressesList();
            }
        }
        throw new AssertionError(name + " is not served");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static ServiceKey key(String name) {
        return new ServiceKey("public", "DEFAULT_GROUP", name);
    }
}
