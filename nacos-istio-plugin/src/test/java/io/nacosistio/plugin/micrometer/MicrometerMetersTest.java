package io.nacosistio.plugin.micrometer;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.nacosistio.plugin.address.AddressView;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.debug.MetricsText;
import io.nacosistio.plugin.registry.RegistryView;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.metrics.ConfigCenterMetrics;
import io.nacosistio.plugin.metrics.RegistryMetrics;
import io.nacosistio.plugin.metrics.PluginMeter;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.readiness.ReadinessGate;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.ReadinessProbe;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin's meters in a Prometheus registry of the Micrometer a Nacos 2.3 ships: the same names and values as the debug port. */
class MicrometerMetersTest {

    @Test
    void countersAndGaugesScrapeUnderTheDebugPortsNamesWithTheCurrentValues() {
        AtomicLong responses = new AtomicLong(3);
        Map<String, Integer> perNamespace = new LinkedHashMap<>(Map.of("public", 2));
        List<PluginMeter> meters = List.of(
                PluginMeter.counter("nacos_mesh_mcp_responses", "DiscoveryResponses sent", responses::get),
                PluginMeter.gauge("nacos_mesh_mcp_streams", "Open MCP streams", () -> 1),
                PluginMeter.labelledGauge("nacos_mesh_serviceentries", "Served per namespace", "namespace",
                        () -> perNamespace));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MicrometerMeters bound = MicrometerMeters.register(registry, meters)) {
            responses.set(7);
            String scraped = registry.scrape();
            assertThat(scraped).contains("nacos_mesh_mcp_responses_total 7.0")
                    .contains("nacos_mesh_mcp_streams 1.0")
                    .contains("nacos_mesh_serviceentries{namespace=\"public\",} 2.0");
            assertThat(MetricsText.render(meters)).contains("nacos_mesh_mcp_responses_total 7")
                    .contains("nacos_mesh_mcp_streams 1.0")
                    .contains("nacos_mesh_serviceentries{namespace=\"public\"} 2");

            perNamespace.remove("public");
            perNamespace.put("team-a", 5);
            bound.refreshLabels();
            assertThat(registry.scrape()).contains("nacos_mesh_serviceentries{namespace=\"team-a\",} 5.0")
                    .doesNotContain("namespace=\"public\"");
        }
        assertThat(registry.scrape()).doesNotContain("nacos_mesh_");
    }

    /**
     * The debug port's {@code /metrics} is rendered from the very meters registered with Micrometer: every sample
     * of the plugin's whole catalog (each counter set to a value of its own) has the same name, labels and value
     * in both, and every field of the counter classes is exported.
     */
    @Test
    void theDebugPortRendersEverySampleTheRegistryHasWithTheSameValue() throws Exception {
        RegistryMetrics index = new RegistryMetrics();
        ServerMetrics server = new ServerMetrics();
        ConfigCenterMetrics config = new ConfigCenterMetrics();
        AddressMetrics address = new AddressMetrics();
        ReconcileMetrics registryLoop = new ReconcileMetrics();
        ReconcileMetrics configLoop = new ReconcileMetrics();
        registryLoop.reconciled("event");
        configLoop.reconciled("resync");
        configLoop.reconciled("resync");
        long value = 1;
        for (Object counters : List.of(index, server, config, address, registryLoop, configLoop)) {
            for (Field field : counters.getClass().getFields()) {
                ((AtomicLong) field.get(counters)).set(value++ * 1_000_000_000L);
            }
        }
        RegistryView view = new RegistryView(ResourceSet.empty(IstioKind.SERVICE_ENTRY), Map.of("public", 3, "team-a", 2),
                List.of(), AddressView.empty());
        List<PluginMeter> meters = new ArrayList<>(MetricsText.catalog(index, registryLoop, server, () -> view, config,
                configLoop, () -> null, Map::of));
        meters.addAll(MetricsText.addressCatalog(address, AddressView::empty));
        ReadinessGate gate = new ReadinessGate(List.of(ReadinessProbe.fixed("naming-ephemeral",
                ReadinessProbe.Check.ready("loaded")), ReadinessProbe.fixed("config", ReadinessProbe.Check.notReady(
                "loading"))), 60_000, 250, () -> 0, (task, delay) -> { }, () -> { });
        meters.addAll(MetricsText.readinessCatalog(gate::view));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MicrometerMeters bound = MicrometerMeters.register(registry, meters)) {
            Map<String, Double> scraped = samples(registry.scrape());
            Map<String, Double> debug = samples(MetricsText.render(meters));
            assertThat(debug).isEqualTo(scraped).containsEntry("nacos_mesh_serviceentries{namespace=\"team-a\"}", 2.0)
                    .containsEntry("nacos_mesh_reconciled_keys_total{pipeline=\"registry\",reason=\"event\"}", 1.0)
                    .containsEntry("nacos_mesh_reconciled_keys_total{pipeline=\"config-center\",reason=\"resync\"}", 2.0)
                    .containsEntry("nacos_mesh_readiness_part_ready{part=\"naming-ephemeral\"}", 1.0)
                    .containsEntry("nacos_mesh_readiness_part_ready{part=\"config\"}", 0.0);
            // Every counter the plugin keeps reaches both, except the two that are differences or gauges' sources.
            List<Double> exported = new ArrayList<>(debug.values());
            for (Object counters : List.of(index, server, config, address, registryLoop, configLoop)) {
                for (Field field : counters.getClass().getFields()) {
                    double set = ((AtomicLong) field.get(counters)).get();
                    boolean shown = exported.contains(set) || exported.contains(set / 1e9);
                    boolean streamsGauge = field.getName().equals("streamsOpened") || field.getName().equals("streamsClosed");
                    assertThat(shown || streamsGauge).as(counters.getClass().getSimpleName() + "." + field.getName()
                            + " is exported").isTrue();
                }
            }
        }
    }

    /** The plugin's samples in Prometheus text: "name{labels}" (no trailing comma) to value. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("nacos_mesh_")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }
}
