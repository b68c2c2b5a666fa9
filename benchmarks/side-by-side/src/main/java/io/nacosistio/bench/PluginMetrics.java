package io.nacosistio.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** The plugin's Prometheus counters, read from its debug endpoint's {@code /metrics}. */
final class PluginMetrics {

    static final String CONVERSIONS = "nacos_mesh_serviceentry_conversions_total";
    static final String READS = "nacos_mesh_registry_reads_total";
    static final String SNAPSHOTS = "nacos_mesh_snapshots_published_total";
    static final String BATCHES = "nacos_mesh_registry_batches_total";
    static final String NOTIFICATIONS = "nacos_mesh_registry_notifications_total";
    static final String RESPONSES = "nacos_mesh_mcp_responses_total";

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;

    PluginMetrics(int debugPort) {
        this.uri = URI.create("http://127.0.0.1:" + debugPort + "/metrics");
    }

    Map<String, Double> read() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> values = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#") || line.contains("{")) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                values.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return values;
    }

    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new HashMap<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            d.put(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0));
        }
        return d;
    }
}
