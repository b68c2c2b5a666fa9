package io.nacosistio.plugin.debug;

import io.nacosistio.plugin.address.AddressView;
import io.nacosistio.plugin.configcenter.ConfigCenterUpdater;
import io.nacosistio.plugin.configcenter.ConfigCenterView;
import io.nacosistio.plugin.configcenter.ServedDocument;
import io.nacosistio.plugin.registry.RegistryUpdater;
import io.nacosistio.plugin.registry.RegistryView;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.metrics.ConfigCenterMetrics;
import io.nacosistio.plugin.metrics.RegistryMetrics;
import io.nacosistio.plugin.metrics.PluginMeter;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.readiness.ReadinessView;
import io.nacosistio.plugin.resource.IstioKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The plugin's metrics: {@link #catalog} names every one of them once (registered with Nacos's Micrometer
 * registry and rendered here), {@link #render} writes them in the Prometheus text format for the debug port.
 */
public final class MetricsText {

    private MetricsText() {
    }

    /**
     * Every metric of the plugin. The config center's are read from {@code configView}, which is null (and its
     * metrics zero) while the config center does not run.
     */
    public static List<PluginMeter> catalog(RegistryMetrics index, ReconcileMetrics registryLoop, ServerMetrics server,
            Supplier<RegistryView> view, ConfigCenterMetrics config, ReconcileMetrics configLoop,
            Supplier<ConfigCenterView> configView, Supplier<Map<IstioKind, List<String>>> replaced) {
        List<PluginMeter> m = new ArrayList<>();
        m.add(PluginMeter.counter("nacos_mesh_registry_notifications", "Naming change notifications received from Nacos",
                index.changeNotifications::get));
        m.add(PluginMeter.counter("nacos_mesh_registry_batches", "Registry batches processed (debounced and full)",
                registryLoop.batches::get));
        m.add(PluginMeter.counter("nacos_mesh_registry_reads", "Services read from Nacos", index.servicesRead::get));
        m.add(PluginMeter.counter("nacos_mesh_registry_read_failures", "Service reads that failed",
                index.readFailures::get));
        m.add(PluginMeter.counter("nacos_mesh_serviceentry_conversions", "Services converted to ServiceEntries",
                index.servicesConverted::get));
        m.add(PluginMeter.counter("nacos_mesh_serviceentry_rejections",
                "Service changes whose ServiceEntry failed mapping or validation", index.servicesRejected::get));
        m.add(PluginMeter.counter("nacos_mesh_dropped_labels",
                "Metadata entries dropped because they are not valid labels", index.droppedLabels::get));
        m.add(PluginMeter.counter("nacos_mesh_skipped_instances", "Instances left out for an unusable address or port",
                index.skippedInstances::get));
        m.add(PluginMeter.counter("nacos_mesh_snapshots_published", "ServiceEntry sets published",
                index.snapshotsPublished::get));
        m.add(PluginMeter.gauge("nacos_mesh_last_batch_seconds", "Duration of the last batch",
                () -> registryLoop.lastBatchNanos.get() / 1e9));
        m.add(PluginMeter.gauge("nacos_mesh_last_batch_services", "Services in the last batch",
                registryLoop.lastBatchKeys::get));
        m.add(PluginMeter.labelledGauge("nacos_mesh_serviceentries", "Served registry ServiceEntries per Nacos namespace",
                "namespace", () -> view.get().servedPerNamespace()));
        m.add(PluginMeter.gauge("nacos_mesh_skipped_services", "Registry services currently not served",
                () -> view.get().skipped().size()));
        m.add(PluginMeter.gauge("nacos_mesh_mcp_streams", "Open MCP streams", server::openStreams));
        m.add(PluginMeter.counter("nacos_mesh_mcp_requests", "DiscoveryRequests received", server.requests::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_responses", "DiscoveryResponses sent", server.responses::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_resources_sent", "Resources sent in responses",
                server.resourcesSent::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_resource_bytes_sent", "Resource bytes sent in responses",
                server.bytesSent::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_acks", "ACKs received", server.acks::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_nacks", "NACKs received", server.nacks::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_stale_requests", "Requests with an outdated nonce, ignored",
                server.staleRequests::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_delta_streams_refused",
                "Delta xDS streams refused with UNIMPLEMENTED (only state-of-the-world ADS is served)",
                server.deltaRejected::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_unknown_type_urls",
                "Subscriptions to type URLs the plugin does not know", server.unknownTypeUrls::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_connections_refused",
                "Connections closed on accept: the peer is outside nacos.mesh.mcp.allowed-clients",
                server.connectionsRefused::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_tls_handshake_failures",
                "Connections closed before their TLS handshake succeeded", server.tlsHandshakeFailures::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_tls_reloads", "Rotated TLS certificates loaded",
                server.tlsReloads::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_tls_reload_failures", "Changed TLS files that could not be loaded",
                server.tlsReloadFailures::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_stream_task_failures", "Stream tasks that threw; each closed its stream",
                server.streamTaskFailures::get));
        m.add(PluginMeter.counter("nacos_mesh_mcp_stream_tasks_rejected",
                "Stream tasks dropped because the server was shutting down", server.streamTasksRejected::get));
        m.add(PluginMeter.gauge("nacos_mesh_registry_resources_replaced",
                "Registry ServiceEntries replaced by config-center ones", () -> {
                    int count = 0;
                    for (List<String> names : replaced.get().values()) {
                        count += names.size();
                    }
                    return count;
                }));
        m.add(PluginMeter.counter("nacos_mesh_config_notifications", "Config change notifications received from Nacos",
                config.changeNotifications::get));
        m.add(PluginMeter.counter("nacos_mesh_config_batches", "Config-center batches processed (debounced and full)",
                configLoop.batches::get));
        m.add(PluginMeter.counter("nacos_mesh_config_reads", "Configs read from Nacos", config.configsRead::get));
        m.add(PluginMeter.counter("nacos_mesh_config_read_failures", "Config reads that failed",
                config.readFailures::get));
        m.add(PluginMeter.counter("nacos_mesh_config_documents_accepted", "Documents accepted after a config change",
                config.documentsAccepted::get));
        m.add(PluginMeter.counter("nacos_mesh_config_documents_refused", "Documents refused after a config change",
                config.documentsRefused::get));
        m.add(PluginMeter.counter("nacos_mesh_config_sets_published", "Per-kind sets published by the config center",
                config.setsPublished::get));
        m.add(PluginMeter.gauge("nacos_mesh_config_last_batch_seconds", "Duration of the config center's last batch",
                () -> configLoop.lastBatchNanos.get() / 1e9));
        m.add(PluginMeter.gauge("nacos_mesh_config_last_batch_configs", "Configs in the config center's last batch",
                configLoop.lastBatchKeys::get));
        m.add(PluginMeter.gauge("nacos_mesh_config_documents", "Documents currently served from the config center",
                () -> {
                    ConfigCenterView v = configView.get();
                    int served = 0;
                    if (v != null) {
                        for (List<ServedDocument> docs : v.documents().values()) {
                            served += docs.size();
                        }
                    }
                    return served;
                }));
        m.add(PluginMeter.gauge("nacos_mesh_config_refused_documents", "Documents currently refused", () -> {
            ConfigCenterView v = configView.get();
            return v == null ? 0 : v.refused().size();
        }));
        m.add(PluginMeter.gauge("nacos_mesh_config_collisions", "Resources claimed by more than one document", () -> {
            ConfigCenterView v = configView.get();
            return v == null ? 0 : v.collisions().size();
        }));
        m.addAll(reconcileCatalog(registryLoop, configLoop));
        return m;
    }

    /** Both pipelines' reconcile loops: keys by pipeline and reason, and keys whose reconciliation threw. */
    private static List<PluginMeter> reconcileCatalog(ReconcileMetrics registryLoop, ReconcileMetrics configLoop) {
        Map<String, ReconcileMetrics> loops = new LinkedHashMap<>();
        loops.put(RegistryUpdater.PIPELINE, registryLoop);
        loops.put(ConfigCenterUpdater.PIPELINE, configLoop);
        List<PluginMeter> m = new ArrayList<>();
        m.add(PluginMeter.labelledCounter("nacos_mesh_reconciled_keys",
                "Keys reconciled, by pipeline and by why (event, catalog-check, membership-check, start, resync, "
                        + "readiness, address-retry); a key marked for two reasons counts for both",
                Arrays.asList("pipeline", "reason"), () -> {
                    Map<List<String>, Long> values = new LinkedHashMap<>();
                    for (Map.Entry<String, ReconcileMetrics> loop : loops.entrySet()) {
                        for (Map.Entry<String, Long> reason : loop.getValue().keysByReason().entrySet()) {
                            values.put(Arrays.asList(loop.getKey(), reason.getKey()), reason.getValue());
                        }
                    }
                    return values;
                }));
        m.add(PluginMeter.labelledCounter("nacos_mesh_reconcile_key_failures",
                "Keys whose reconciliation threw; each kept what it served and the rest of its batch went on",
                Collections.singletonList("pipeline"), () -> {
                    Map<List<String>, Long> values = new LinkedHashMap<>();
                    for (Map.Entry<String, ReconcileMetrics> loop : loops.entrySet()) {
                        values.put(Collections.singletonList(loop.getKey()), loop.getValue().keyFailures.get());
                    }
                    return values;
                }));
        return m;
    }

    /** The readiness gate's metrics (the part gauges check each part when read). */
    public static List<PluginMeter> readinessCatalog(Supplier<ReadinessView> view) {
        List<PluginMeter> m = new ArrayList<>();
        m.add(PluginMeter.gauge("nacos_mesh_readiness_waiting",
                "1 while MCP answers are held because this node's data is not complete yet, else 0",
                () -> view.get().answering() ? 0 : 1));
        m.add(PluginMeter.gauge("nacos_mesh_readiness_wait_seconds",
                "How long MCP answers were held at start (so far, while waiting)",
                () -> view.get().waitedMillis() / 1e3));
        m.add(PluginMeter.gauge("nacos_mesh_readiness_timed_out",
                "1 when answers were released at nacos.mesh.readiness.max-wait with some part of the data not ready",
                () -> view.get().timedOut() ? 1 : 0));
        m.add(PluginMeter.labelledGauge("nacos_mesh_readiness_part_ready",
                "1 when this part of the node's data (naming-ephemeral, naming-persistent, config) is ready now, else 0",
                "part", () -> view.get().readyByPart()));
        return m;
    }

    /** Address allocation: counters, pool use, services served without their addresses. */
    public static List<PluginMeter> addressCatalog(AddressMetrics metrics, Supplier<AddressView> view) {
        List<PluginMeter> m = new ArrayList<>();
        m.add(PluginMeter.counter("nacos_mesh_address_allocations", "VIPs handed out from the pools",
                metrics.allocations::get));
        m.add(PluginMeter.counter("nacos_mesh_address_table_writes", "Compare-and-set writes of the address table",
                metrics.tableWrites::get));
        m.add(PluginMeter.counter("nacos_mesh_address_table_conflicts",
                "Address table writes that lost to another writer (the committed table was adopted)",
                metrics.tableConflicts::get));
        m.add(PluginMeter.counter("nacos_mesh_address_table_write_failures", "Address table writes that failed",
                metrics.tableWriteFailures::get));
        m.add(PluginMeter.counter("nacos_mesh_address_overrides_refused",
                "Address overrides refused (not an IP, or already another host's address)",
                metrics.refusedOverrides::get));
        m.add(PluginMeter.counter("nacos_mesh_address_declared_avoided",
                "Pool probes that stepped over an address or block a config-center ServiceEntry declares",
                metrics.declaredAddressesAvoided::get));
        m.add(PluginMeter.gauge("nacos_mesh_address_declared_conflicts",
                "Registry services whose VIP is withheld or override refused because a config-center ServiceEntry "
                        + "declares the address", () -> view.get().declaredConflicts()));
        m.add(PluginMeter.gauge("nacos_mesh_services_without_address",
                "Registry services served without their addresses (pool exhausted, refused override, table)",
                () -> view.get().problems().size()));
        m.add(PluginMeter.labelledGauge("nacos_mesh_address_pool_used", "Addresses of a pool in use or on hold",
                "pool", () -> view.get().poolUsed()));
        m.add(PluginMeter.labelledGauge("nacos_mesh_address_pool_size", "Usable addresses of a pool", "pool",
                () -> view.get().poolSizes()));
        return m;
    }

    /** The Prometheus text format of the meters; a counter's name gets its {@code _total} suffix. */
    public static String render(List<PluginMeter> meters) {
        StringBuilder out = new StringBuilder(4096);
        for (PluginMeter meter : meters) {
            boolean counter = meter.type() == PluginMeter.Type.COUNTER;
            String name = counter ? meter.name() + "_total" : meter.name();
            out.append("# HELP ").append(name).append(' ').append(meter.help()).append('\n')
                    .append("# TYPE ").append(name).append(counter ? " counter\n" : " gauge\n");
            if (meter.labelKeys().isEmpty()) {
                out.append(name).append(' ');
                appendValue(out, meter.value(), counter);
                out.append('\n');
                continue;
            }
            for (Map.Entry<List<String>, ? extends Number> e : meter.values().entrySet()) {
                out.append(name).append('{');
                for (int i = 0; i < meter.labelKeys().size(); i++) {
                    out.append(i == 0 ? "" : ",").append(meter.labelKeys().get(i)).append("=\"")
                            .append(escape(e.getKey().get(i))).append('"');
                }
                out.append("} ").append(e.getValue()).append('\n');
            }
        }
        return out.toString();
    }

    private static void appendValue(StringBuilder out, double value, boolean counter) {
        if (counter) {
            out.append((long) value);
        } else {
            out.append(value);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
