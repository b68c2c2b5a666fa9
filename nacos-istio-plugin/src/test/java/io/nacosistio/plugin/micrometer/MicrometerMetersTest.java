package io.nacosistio.plugin.micrometer;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.nacosistio.plugin.debug.MetricsText;
import io.nacosistio.plugin.metrics.PluginMeter;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
