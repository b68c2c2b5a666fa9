package io.nacosistio.plugin.debug;

import io.nacosistio.plugin.configcenter.ConfigCenterView;
import io.nacosistio.plugin.configcenter.ServedDocument;
import io.nacosistio.plugin.index.IndexView;
import io.nacosistio.plugin.metrics.ConfigMetrics;
import io.nacosistio.plugin.metrics.IndexMetrics;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.resource.IstioKind;

import java.util.List;
import java.util.Map;

/** Renders the plugin's counters in the Prometheus text format. */
public final class MetricsText {

    private MetricsText() {
    }

    public static String render(IndexMetrics index, ServerMetrics server, IndexView view) {
        StringBuilder out = new StringBuilder(2048);
        counter(out, "nacos_mesh_registry_notifications_total", "Naming change notifications received from Nacos",
                index.changeNotifications.get());
        counter(out, "nacos_mesh_registry_batches_total", "Debounced batches processed", index.batches.get());
        counter(out, "nacos_mesh_registry_reads_total", "Services read from Nacos", index.servicesRead.get());
        counter(out, "nacos_mesh_registry_read_failures_total", "Service reads that failed",
                index.readFailures.get());
        counter(out, "nacos_mesh_serviceentry_conversions_total", "Services converted to ServiceEntries",
                index.servicesConverted.get());
        counter(out, "nacos_mesh_serviceentry_rejections_total",
                "Service changes whose ServiceEntry failed mapping or validation", index.servicesRejected.get());
        counter(out, "nacos_mesh_dropped_labels_total", "Metadata entries dropped because they are not valid labels",
                index.droppedLabels.get());
        counter(out, "nacos_mesh_skipped_instances_total", "Instances left out for an unusable address or port",
                index.skippedInstances.get());
        counter(out, "nacos_mesh_snapshots_published_total", "ServiceEntry sets published", index.snapshotsPublished.get());
        gauge(out, "nacos_mesh_last_batch_seconds", "Duration of the last batch", index.lastBatchNanos.get() / 1e9);
        out.append("# HELP nacos_mesh_serviceentries Served registry ServiceEntries per Nacos namespace\n")
                .append("# TYPE nacos_mesh_serviceentries gauge\n");
        for (Map.Entry<String, Integer> e : view.servedPerNamespace().entrySet()) {
            out.append("nacos_mesh_serviceentries{namespace=\"").append(escape(e.getKey())).append("\"} ")
                    .append(e.getValue()).append('\n');
        }
        gauge(out, "nacos_mesh_skipped_services", "Registry services currently not served", view.skipped().size());
        gauge(out, "nacos_mesh_mcp_streams", "Open MCP streams", server.openStreams());
        counter(out, "nacos_mesh_mcp_requests_total", "DiscoveryRequests received", server.requests.get());
        counter(out, "nacos_mesh_mcp_responses_total", "DiscoveryResponses sent", server.responses.get());
        counter(out, "nacos_mesh_mcp_resources_sent_total", "Resources sent in responses", server.resourcesSent.get());
        counter(out, "nacos_mesh_mcp_resource_bytes_sent_total", "Resource bytes sent in responses",
                server.bytesSent.get());
        counter(out, "nacos_mesh_mcp_acks_total", "ACKs received", server.acks.get());
        counter(out, "nacos_mesh_mcp_nacks_total", "NACKs received", server.nacks.get());
        counter(out, "nacos_mesh_mcp_stale_requests_total", "Requests with an outdated nonce, ignored",
                server.staleRequests.get());
        counter(out, "nacos_mesh_mcp_unknown_type_urls_total", "Subscriptions to type URLs the plugin does not know",
                server.unknownTypeUrls.get());
        counter(out, "nacos_mesh_mcp_connections_refused_total",
                "Connections closed on accept: the peer is outside nacos.mesh.mcp.allowed-clients",
                server.connectionsRefused.get());
        counter(out, "nacos_mesh_mcp_tls_handshake_failures_total", "Connections closed before their TLS handshake "
                + "succeeded", server.tlsHandshakeFailures.get());
        counter(out, "nacos_mesh_mcp_tls_reloads_total", "Rotated TLS certificates loaded", server.tlsReloads.get());
        counter(out, "nacos_mesh_mcp_tls_reload_failures_total", "Changed TLS files that could not be loaded",
                server.tlsReloadFailures.get());
        return out.toString();
    }

    /** The config center's counters and gauges; only the replaced-resource gauge when it is not running. */
    public static String renderConfigCenter(ConfigMetrics config, ConfigCenterView view,
            Map<IstioKind, List<String>> replaced) {
        StringBuilder out = new StringBuilder(1024);
        int replacedCount = 0;
        for (List<String> names : replaced.values()) {
            replacedCount += names.size();
        }
        gauge(out, "nacos_mesh_registry_resources_replaced", "Registry ServiceEntries replaced by config-center ones",
                replacedCount);
        if (view == null) {
            return out.toString();
        }
        counter(out, "nacos_mesh_config_notifications_total", "Config change notifications received from Nacos",
                config.changeNotifications.get());
        counter(out, "nacos_mesh_config_reads_total", "Configs read from Nacos", config.configsRead.get());
        counter(out, "nacos_mesh_config_read_failures_total", "Config reads or parses that failed",
                config.readFailures.get());
        counter(out, "nacos_mesh_config_documents_accepted_total", "Documents accepted after a config change",
                config.documentsAccepted.get());
        counter(out, "nacos_mesh_config_documents_refused_total", "Documents refused after a config change",
                config.documentsRefused.get());
        counter(out, "nacos_mesh_config_sets_published_total", "Per-kind sets published by the config center",
                config.setsPublished.get());
        gauge(out, "nacos_mesh_config_last_batch_seconds", "Duration of the config center's last batch",
                config.lastBatchNanos.get() / 1e9);
        int served = 0;
        for (List<ServedDocument> docs : view.documents().values()) {
            served += docs.size();
        }
        gauge(out, "nacos_mesh_config_documents", "Documents currently served from the config center", served);
        gauge(out, "nacos_mesh_config_refused_documents", "Documents currently refused", view.refused().size());
        gauge(out, "nacos_mesh_config_collisions", "Resources claimed by more than one document",
                view.collisions().size());
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
