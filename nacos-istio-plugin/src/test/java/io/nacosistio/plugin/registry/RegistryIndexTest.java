package io.nacosistio.plugin.registry;

import com.google.protobuf.ByteString;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryIndexTest {

    private final AtomicLong wallClock = new AtomicLong(1_700_000_000_000L);
    private final AtomicInteger conversions = new AtomicInteger();

    /** Names the resource after the service; rejects services whose metadata says so; version = instance count. */
    private final ServiceConverter converter = service -> {
        conversions.incrementAndGet();
        String reject = service.metadata().get("reject");
        String leaveOut = service.metadata().get("leave-out");
        if (leaveOut != null) {
            return ConvertedService.notSelected(leaveOut);
        }
        if (reject != null) {
            return ConvertedService.rejected(List.of(reject));
        }
        String name = service.metadata().getOrDefault("name",
                service.key().namespaceId() + "/" + service.key().serviceName());
        String host = service.metadata().getOrDefault("host", service.key().serviceName() + ".nacos");
        List<String> aliases = service.metadata().containsKey("aliases")
                ? List.of(service.metadata().get("aliases").split(",")) : List.of();
        return ConvertedService.accepted(name, host, aliases,
                "v" + service.instances().size() + service.metadata(), Map.of(),
                Map.of("nacos.io/service", service.key().serviceName()),
                ByteString.copyFromUtf8(service.key().toString()));
    };

    private final RegistryIndex index = new RegistryIndex(converter, wallClock::get);

    @Test
    void servesAcceptedServicesSortedByNamespaceAndName() {
        index.apply(key("ns2", "b"), state(key("ns2", "b"), 1));
        index.apply(key("ns1", "z"), state(key("ns1", "z"), 1));
        index.apply(key("ns1", "a"), state(key("ns1", "a"), 1));
        assertThat(names(index.snapshot())).containsExactly("ns1/a", "ns1/z", "ns2/b");
        assertThat(index.view().servedPerNamespace()).containsEntry("ns1", 2).containsEntry("ns2", 1);
    }

    @Test
    void unchangedContentKeepsTheSetVersion() {
        ServiceKey a = key("ns", "a");
        index.apply(a, state(a, 1));
        ResourceSet first = index.snapshot();
        assertThat(index.apply(a, state(a, 1))).isEqualTo(RegistryIndex.Outcome.UNCHANGED);
        assertThat(index.snapshot()).isSameAs(first);
        assertThat(index.apply(a, state(a, 2))).isEqualTo(RegistryIndex.Outcome.UPDATED);
        assertThat(index.snapshot().version()).isNotEqualTo(first.version());
    }

    @Test
    void theSetVersionDependsOnlyOnWhatIsServed() {
        ServiceKey a = key("ns1", "a");
        ServiceKey b = key("ns2", "b");
        index.apply(a, state(a, 1));
        String onlyA = index.snapshot().version();
        index.apply(b, state(b, 1));
        String both = index.snapshot().version();
        assertThat(both).isNotEqualTo(onlyA);
        index.apply(b, Optional.empty());
        assertThat(index.snapshot().version()).isEqualTo(onlyA);

        RegistryIndex other = new RegistryIndex(converter, wallClock::get);
        other.apply(b, state(b, 1));
        other.apply(a, state(a, 1));
        assertThat(other.snapshot().version()).isEqualTo(both);
        other.apply(a, state(a, 2));
        assertThat(other.snapshot().version()).isNotEqualTo(both);
    }

    @Test
    void createTimeIsFixedWhateverTheClockAndTheServicesHistory() throws Exception {
        ServiceKey a = key("ns", "a");
        index.apply(a, state(a, 1));
        assertThat(metadataOf(index.snapshot(), "ns/a").getCreateTime()).isEqualTo(McpResource.FIXED_CREATE_TIME);
        wallClock.addAndGet(60_000);
        index.apply(a, state(a, 2));
        assertThat(metadataOf(index.snapshot(), "ns/a").getCreateTime()).isEqualTo(McpResource.FIXED_CREATE_TIME);
        index.apply(a, Optional.empty());
        index.apply(a, state(a, 1));
        assertThat(metadataOf(index.snapshot(), "ns/a").getCreateTime()).isEqualTo(McpResource.FIXED_CREATE_TIME);
    }

    @Test
    void removedServiceDisappears() {
        ServiceKey a = key("ns", "a");
        index.apply(a, state(a, 1));
        assertThat(index.apply(a, Optional.empty())).isEqualTo(RegistryIndex.Outcome.REMOVED);
        assertThat(index.snapshot().resources()).isEmpty();
        assertThat(index.knownKeys()).isEmpty();
    }

    @Test
    void rejectedServiceIsReportedOnceAndStopsBeingServed() {
        ServiceKey a = key("ns", "a");
        index.apply(a, state(a, 1));
        RegistryService bad = new RegistryService(a, 0, Map.of("reject", "port 0"), List.of());
        assertThat(index.apply(a, Optional.of(bad))).isEqualTo(RegistryIndex.Outcome.REJECTED);
        assertThat(index.apply(a, Optional.of(bad))).isEqualTo(RegistryIndex.Outcome.STILL_REJECTED);
        assertThat(index.snapshot().resources()).isEmpty();
        assertThat(index.skipReasons(a)).containsExactly("port 0");
        assertThat(index.view().skipped()).extracting(SkippedService::key).containsExactly(a);
        index.apply(a, state(a, 1));
        assertThat(index.view().skipped()).isEmpty();
        assertThat(names(index.snapshot())).containsExactly("ns/a");
    }

    @Test
    void aServiceLeavingTheSelectionIsRemovedLikeADeletedOneAndListedWithTheRule() throws Exception {
        ServiceKey a = key("ns", "a");
        index.apply(a, state(a, 1));
        String servedVersion = index.snapshot().version();
        RegistryService out = new RegistryService(a, 0, Map.of("leave-out", "not selected: rule x"), List.of());
        assertThat(index.apply(a, Optional.of(out))).isEqualTo(RegistryIndex.Outcome.REMOVED);
        assertThat(index.snapshot().resources()).isEmpty();
        assertThat(index.skipReasons(a)).containsExactly("not selected: rule x");
        assertThat(index.apply(a, Optional.of(out))).isEqualTo(RegistryIndex.Outcome.UNCHANGED);
        assertThat(index.knownKeys()).containsExactly(a);

        wallClock.addAndGet(60_000);
        assertThat(index.apply(a, state(a, 1))).isEqualTo(RegistryIndex.Outcome.ADDED);
        assertThat(index.skipReasons(a)).isEmpty();
        assertThat(index.snapshot().version()).isEqualTo(servedVersion);
        assertThat(metadataOf(index.snapshot(), "ns/a").getCreateTime()).isEqualTo(McpResource.FIXED_CREATE_TIME);

        ServiceKey b = key("ns", "b");
        assertThat(index.apply(b, Optional.of(new RegistryService(b, 0, Map.of("leave-out", "not selected: y"),
                List.of())))).isEqualTo(RegistryIndex.Outcome.NOT_SELECTED);
        assertThat(index.apply(b, Optional.empty())).isEqualTo(RegistryIndex.Outcome.UNCHANGED);
        assertThat(index.skipReasons(b)).isEmpty();
    }

    @Test
    void aThrowingConverterSkipsOnlyThatService() {
        RegistryIndex fragile = new RegistryIndex(service -> {
            if (service.key().serviceName().equals("boom")) {
                throw new IllegalStateException("bad metadata");
            }
            return converter.convert(service);
        }, wallClock::get);
        fragile.apply(key("ns", "boom"), state(key("ns", "boom"), 1));
        fragile.apply(key("ns", "ok"), state(key("ns", "ok"), 1));
        assertThat(names(fragile.snapshot())).containsExactly("ns/ok");
        assertThat(fragile.skipReasons(key("ns", "boom")).get(0)).contains("bad metadata");
    }

    @Test
    void nameCollisionHasADeterministicWinnerAndTheLoserTakesOverWhenTheWinnerLeaves() throws Exception {
        ServiceKey first = key("ns", "a");
        ServiceKey second = key("ns", "b");
        RegistryService secondState = new RegistryService(second, 0, Map.of("name", "ns/shared"), List.of());
        RegistryService firstState = new RegistryService(first, 0, Map.of("name", "ns/shared"), List.of());
        index.apply(second, Optional.of(secondState));
        index.apply(first, Optional.of(firstState));
        assertThat(index.snapshot().resources()).hasSize(1);
        assertThat(index.skipReasons(second).get(0)).contains("ns/shared").contains(first.toString());
        assertThat(index.skipReasons(first)).isEmpty();

        index.apply(first, Optional.empty());
        assertThat(index.snapshot().resources()).hasSize(1);
        assertThat(index.skipReasons(second)).isEmpty();
        assertThat(annotationsOf(index.snapshot(), "ns/shared")).containsEntry("nacos.io/service", "b");
    }

    @Test
    void anAliasNeverTakesAnotherServicesHost() {
        ServiceKey orders = key("ns", "orders");
        ServiceKey a = key("ns", "a");
        index.apply(orders, state(orders, 1));
        assertThat(index.apply(a, withMetadata(a, Map.of("aliases", "x.example,ORDERS.nacos"))))
                .isEqualTo(RegistryIndex.Outcome.ADDED);
        assertThat(names(index.snapshot())).containsExactly("ns/orders");
        assertThat(index.skipReasons(a)).containsExactly("alias ORDERS.nacos is the host of service " + orders
                + "; an alias never takes another service's host");
        index.apply(a, withMetadata(a, Map.of("aliases", "x.example")));
        assertThat(names(index.snapshot())).containsExactly("ns/a", "ns/orders");
        assertThat(index.skipReasons(a)).isEmpty();
    }

    @Test
    void hostAndAliasCollisionsResolveTheSameWhateverTheOrderOfEvents() {
        ServiceKey a = key("ns", "a");
        ServiceKey b = key("ns", "b");
        ServiceKey c = key("ns", "c");
        ServiceKey d = key("ns", "d");
        List<Runnable> events = List.of(
                () -> index.apply(a, withMetadata(a, Map.of("aliases", "shared.example"))),
                () -> index.apply(b, withMetadata(b, Map.of("aliases", "shared.example,b2.example"))),
                () -> index.apply(c, withMetadata(c, Map.of("host", "same.example"))),
                () -> index.apply(d, withMetadata(d, Map.of("host", "same.example"))));
        List<List<String>> served = new java.util.ArrayList<>();
        List<Map<ServiceKey, List<String>>> reasons = new java.util.ArrayList<>();
        for (int[] order : new int[][] {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}}) {
            for (ServiceKey k : List.of(a, b, c, d)) {
                index.apply(k, Optional.empty());
            }
            for (int i : order) {
                events.get(i).run();
            }
            served.add(names(index.snapshot()));
            Map<ServiceKey, List<String>> r = new java.util.TreeMap<>();
            for (ServiceKey k : List.of(a, b, c, d)) {
                r.put(k, index.skipReasons(k));
            }
            reasons.add(r);
        }
        assertThat(served).allMatch(s -> s.equals(List.of("ns/a", "ns/c")));
        assertThat(reasons).allMatch(r -> r.equals(reasons.get(0)));
        assertThat(reasons.get(0).get(b)).containsExactly("alias shared.example is also an alias of service " + a
                + ", which wins (smallest namespace/group/service)");
        assertThat(reasons.get(0).get(d)).containsExactly("host same.example is also the host of service " + c
                + ", which wins (smallest namespace/group/service)");

        index.apply(a, Optional.empty());
        index.apply(c, withMetadata(c, Map.of()));
        assertThat(names(index.snapshot())).containsExactly("ns/b", "ns/c", "ns/d");
        assertThat(index.view().skipped()).isEmpty();
    }

    @Test
    void oneChangeConvertsOneService() {
        for (int i = 0; i < 100; i++) {
            ServiceKey k = key("ns", "s" + i);
            index.apply(k, state(k, 1));
        }
        index.snapshot();
        conversions.set(0);
        ServiceKey changed = key("ns", "s42");
        index.apply(changed, state(changed, 3));
        assertThat(conversions.get()).isEqualTo(1);
        assertThat(index.snapshot().resources()).hasSize(100);
    }

    private static ServiceKey key(String ns, String service) {
        return new ServiceKey(ns, "DEFAULT_GROUP", service);
    }

    private static Optional<RegistryService> state(ServiceKey key, int instances) {
        RegistryInstance[] list = new RegistryInstance[instances];
        for (int i = 0; i < instances; i++) {
            list[i] = new RegistryInstance("10.0.0." + (i + 1), 8080, 1, true, true, true, "DEFAULT", Map.of());
        }
        return Optional.of(new RegistryService(key, 0, Map.of(), List.of(list)));
    }

    private static Optional<RegistryService> withMetadata(ServiceKey key, Map<String, String> metadata) {
        return Optional.of(new RegistryService(key, 0, metadata, List.of()));
    }

    private static List<String> names(ResourceSet set) {
        return set.resources().stream().map(McpResource::name).toList();
    }

    private static io.nacosistio.proto.istio.mcp.v1alpha1.Metadata metadataOf(ResourceSet set, String name)
            throws Exception {
        for (McpResource r : set.resources()) {
            if (r.name().equals(name)) {
                return Resource.parseFrom(r.packed().getValue()).getMetadata();
            }
        }
        throw new AssertionError("no resource " + name);
    }

    private static Map<String, String> annotationsOf(ResourceSet set, String name) throws Exception {
        return metadataOf(set, name).getAnnotationsMap();
    }
}
