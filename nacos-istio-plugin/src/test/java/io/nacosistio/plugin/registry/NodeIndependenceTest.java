package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.AddressBook;
import io.nacosistio.plugin.address.AddressSettings;
import io.nacosistio.plugin.address.InMemorySharedConfig;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.configcenter.ConfigCenterIndex;
import io.nacosistio.plugin.convert.MappingOptions;
import io.nacosistio.plugin.convert.MappingResult;
import io.nacosistio.plugin.convert.ServiceEntryMapper;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes of a Nacos cluster that hold the same registry and config build their indexes independently:
 * at other wall-clock times, from events in another order, one after a restart. They must serve the same
 * bytes with the same versions, or istiod moving between nodes would re-store (or delete) what it has.
 */
class NodeIndependenceTest {

    private static final ServiceEntryMapper MAPPER = new ServiceEntryMapper(MappingOptions.defaults());

    private static ServiceConverter converter() {
        return service -> {
            MappingResult result = MAPPER.map(service);
            if (!result.isSelected()) {
                return ConvertedService.notSelected(result.notSelectedBy());
            }
            if (!result.isValid()) {
                return ConvertedService.rejected(result.errors());
            }
            return ConvertedService.accepted(result.resourceName(), result.host(), result.aliases(), result.version(),
                    result.labels(), result.annotations(), result.serviceEntry().toByteString());
        };
    }

    private static RegistryIndex node(InMemorySharedConfig table, AtomicLong clock) {
        AddressBook book = new AddressBook(new AddressSettings(true, "10.224.0.0/16", "", 3_600_000, "istio.addresses"),
                table, clock::get, new AddressMetrics());
        book.load();
        return new RegistryIndex(converter(), book, clock::get);
    }

    /** The registry both nodes end up holding, with the intermediate states a node may see on the way. */
    private static Map<ServiceKey, List<Optional<RegistryService>>> history() {
        Map<ServiceKey, List<Optional<RegistryService>>> history = new LinkedHashMap<>();
        for (int s = 0; s < 40; s++) {
            String namespace = s % 3 == 0 ? "public" : "team-" + (s % 3);
            ServiceKey key = new ServiceKey(namespace, s % 2 == 0 ? "DEFAULT_GROUP" : "orders", "svc-" + s);
            List<Optional<RegistryService>> states = new ArrayList<>();
            states.add(Optional.of(service(key, 1, s)));
            if (s % 4 == 0) {
                states.add(Optional.empty());
            }
            states.add(Optional.of(service(key, 2 + s % 3, s)));
            if (s % 7 == 0) {
                states.add(Optional.empty());
            }
            history.put(key, states);
        }
        return history;
    }

    private static RegistryService service(ServiceKey key, int instances, int seed) {
        List<RegistryInstance> list = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("version", "v" + (i % 2));
            if (seed % 5 == 0) {
                metadata.put("protocol", "grpc");
            }
            list.add(new RegistryInstance("10.1." + seed + "." + (i + 1), 8080 + seed % 3, 1 + i, true, true,
                    seed % 6 != 0, "DEFAULT", metadata));
        }
        Map<String, String> serviceMetadata = seed % 3 == 0 ? Map.of("team", "t" + seed) : Map.of();
        return new RegistryService(key, 0, serviceMetadata, list);
    }

    /** Applies every service's states in a random interleaving, committing the address table in batches. */
    private static void replay(RegistryIndex index, Map<ServiceKey, List<Optional<RegistryService>>> history,
            long seed, AtomicLong clock) throws Exception {
        Random random = new Random(seed);
        List<ServiceKey> pending = new ArrayList<>();
        Map<ServiceKey, Integer> next = new LinkedHashMap<>();
        for (Map.Entry<ServiceKey, List<Optional<RegistryService>>> e : history.entrySet()) {
            for (int i = 0; i < e.getValue().size(); i++) {
                pending.add(e.getKey());
            }
            next.put(e.getKey(), 0);
        }
        Collections.shuffle(pending, random);
        int inBatch = 0;
        for (ServiceKey key : pending) {
            int step = next.get(key);
            next.put(key, step + 1);
            index.apply(key, history.get(key).get(step));
            clock.addAndGet(1 + random.nextInt(5_000));
            if (++inBatch == 1 + random.nextInt(9)) {
                index.refreshAddresses(index.addresses().commit().changed());
                inBatch = 0;
            }
        }
        index.refreshAddresses(index.addresses().commit().changed());
    }

    /** What another node's write to the shared table makes a node do: adopt it and rebuild what changed. */
    private static void adoptTable(RegistryIndex index) throws Exception {
        index.refreshAddresses(index.addresses().reload().changed());
    }

    @Test
    void twoNodesServeIdenticalServiceEntriesWhateverTheOrderAndTimeTheySawTheRegistryIn() throws Exception {
        Map<ServiceKey, List<Optional<RegistryService>>> history = history();
        InMemorySharedConfig table = new InMemorySharedConfig();
        AtomicLong clockA = new AtomicLong(1_700_000_000_000L);
        AtomicLong clockB = new AtomicLong(1_700_000_123_456L);
        RegistryIndex a = node(table, clockA);
        RegistryIndex b = node(table, clockB);

        replay(a, history, 1, clockA);
        replay(b, history, 2, clockB);
        adoptTable(a);
        adoptTable(b);

        ResourceSet fromA = a.snapshot();
        ResourceSet fromB = b.snapshot();
        assertThat(fromA.resources()).hasSizeGreaterThan(20);
        assertSameBytes(fromA, fromB);

        // A third node started later (a restart): it reads the committed table and the final registry once.
        AtomicLong clockC = new AtomicLong(1_800_000_000_000L);
        RegistryIndex c = node(table, clockC);
        for (Map.Entry<ServiceKey, List<Optional<RegistryService>>> e : history.entrySet()) {
            List<Optional<RegistryService>> states = e.getValue();
            c.apply(e.getKey(), states.get(states.size() - 1));
        }
        c.refreshAddresses(c.addresses().commit().changed());
        assertSameBytes(fromA, c.snapshot());
    }

    @Test
    void aRegistryServiceCarriesAFixedCreateTimeNotTheTimeThisNodeFirstSawIt() throws Exception {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        RegistryIndex index = new RegistryIndex(converter(), clock::get);
        ServiceKey key = new ServiceKey("public", "DEFAULT_GROUP", "svc-1");
        index.apply(key, Optional.of(service(key, 1, 1)));
        assertThat(createSeconds(index.snapshot())).isEqualTo(McpResource.FIXED_CREATE_TIME.getSeconds());
        index.apply(key, Optional.empty());
        clock.addAndGet(3_600_000);
        index.apply(key, Optional.of(service(key, 1, 1)));
        assertThat(createSeconds(index.snapshot())).isEqualTo(McpResource.FIXED_CREATE_TIME.getSeconds());
    }

    @Test
    void twoConfigCenterIndexesServeIdenticalDocumentsWhateverTheOrderAndTime() throws Exception {
        List<ConfigKey> keys = new ArrayList<>();
        Map<ConfigKey, List<Optional<ConfigItem>>> history = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            ConfigKey key = new ConfigKey(i % 2 == 0 ? "" : "team-a", "istio", "rules-" + i + ".yaml");
            keys.add(key);
            // Stored without a creation time for some (Nacos keeps one; a bare store may not).
            long created = i % 3 == 0 ? 0 : 1_600_000_000_000L + i;
            String first = dr("dr-" + i, "svc-" + i + ".nacos", 1);
            String last = dr("dr-" + i, "svc-" + i + ".nacos", 3) + "---\n" + dr("shared", "svc-x.nacos", i);
            history.put(key, List.of(Optional.of(new ConfigItem(key, first, Collections.emptySet(), created)),
                    Optional.of(new ConfigItem(key, last, Collections.emptySet(), created))));
        }
        AtomicLong clockA = new AtomicLong(1_700_000_000_000L);
        AtomicLong clockB = new AtomicLong(1_750_000_000_000L);
        ConfigCenterIndex a = new ConfigCenterIndex(new ConfigDocuments(64 * 1024), ns -> ns.isEmpty() ? "default" : ns,
                clockA::get);
        ConfigCenterIndex b = new ConfigCenterIndex(new ConfigDocuments(64 * 1024), ns -> ns.isEmpty() ? "default" : ns,
                clockB::get);
        for (ConfigKey key : keys) {
            for (Optional<ConfigItem> item : history.get(key)) {
                a.apply(key, item);
            }
        }
        List<ConfigKey> reversed = new ArrayList<>(keys);
        Collections.reverse(reversed);
        for (ConfigKey key : reversed) {
            clockB.addAndGet(10_000);
            b.apply(key, history.get(key).get(1));
        }
        assertThat(a.snapshot(IstioKind.DESTINATION_RULE).resources()).hasSize(14);
        assertSameBytes(a.snapshot(IstioKind.DESTINATION_RULE), b.snapshot(IstioKind.DESTINATION_RULE));
    }

    private static String dr(String name, String host, int retries) {
        return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: " + name
                + "\nspec:\n  host: " + host + "\n  trafficPolicy:\n    connectionPool:\n      http:\n"
                + "        maxRetries: " + retries + "\n";
    }

    private static void assertSameBytes(ResourceSet expected, ResourceSet actual) {
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.resources()).extracting(McpResource::name)
                .containsExactlyElementsOf(expected.resources().stream().map(McpResource::name).toList());
        for (int i = 0; i < expected.resources().size(); i++) {
            assertThat(actual.resources().get(i).packed().toByteArray())
                    .as(expected.resources().get(i).name())
                    .isEqualTo(expected.resources().get(i).packed().toByteArray());
            assertThat(actual.resources().get(i).version()).isEqualTo(expected.resources().get(i).version());
        }
    }

    private static long createSeconds(ResourceSet set) throws Exception {
        return set.resources().get(0).packed().unpack(Resource.class).getMetadata().getCreateTime().getSeconds();
    }
}
