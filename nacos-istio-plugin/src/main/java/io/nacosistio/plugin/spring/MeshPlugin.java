package io.nacosistio.plugin.spring;

import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.convert.MappingResult;
import io.nacosistio.plugin.convert.ServiceEntryMapper;
import io.nacosistio.plugin.debug.DebugHttpServer;
import io.nacosistio.plugin.debug.DebugView;
import io.nacosistio.plugin.index.ConvertedService;
import io.nacosistio.plugin.index.IndexUpdater;
import io.nacosistio.plugin.index.ServiceConverter;
import io.nacosistio.plugin.index.ServiceEntryIndex;
import io.nacosistio.plugin.metrics.IndexMetrics;
import io.nacosistio.plugin.debug.MetricsText;
import io.nacosistio.plugin.debug.StreamsJson;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.server.McpServer;
import io.nacosistio.plugin.source.naming.NacosNamingSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The running plugin: naming source → index → cache → MCP server, plus the debug endpoint. Started in
 * that order so the first answer istiod gets is already the full registry (istiod deletes whatever a
 * response lacks); stopped in reverse.
 */
public final class MeshPlugin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshPlugin.class);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final ResourceCache cache = new ResourceCache();
    private final IndexMetrics indexMetrics = new IndexMetrics();
    private final ServerMetrics serverMetrics = new ServerMetrics();
    private IndexUpdater updater;
    private McpServer server;
    private DebugHttpServer debug;

    private MeshPlugin() {
    }

    static MeshPlugin start(MeshPluginSettings settings, ApplicationContext context) throws Exception {
        MeshPlugin plugin = new MeshPlugin();
        try {
            plugin.startParts(settings, context);
            return plugin;
        } catch (Exception | Error e) {
            plugin.close();
            throw e;
        }
    }

    private void startParts(MeshPluginSettings settings, ApplicationContext context) throws Exception {
        settings.checkNoConflictWithBuiltInModule();
        NacosNamingSource source = NacosNamingSource.create(new SpringBeanLookup(context));
        ServiceEntryMapper mapper = new ServiceEntryMapper(settings.mapping);
        ServiceEntryIndex index = new ServiceEntryIndex(converterOf(mapper), System::currentTimeMillis);
        updater = new IndexUpdater(source, index, cache, indexMetrics, settings.quietPeriodMillis,
                settings.maxDelayMillis, settings.resyncIntervalMillis, settings.membershipCheckMillis);
        parts.add(updater);
        long started = System.nanoTime();
        updater.start();
        LOG.info("nacos-istio-plugin: indexed {} registry services ({} served, {} skipped) in {} ms",
                indexMetrics.servicesRead.get(), updater.view().served().resources().size(),
                updater.view().skipped().size(), (System.nanoTime() - started) / 1_000_000);

        server = new McpServer(settings.server, cache, serverMetrics);
        parts.add(server);
        server.start();

        if (settings.debugPort > 0) {
            DebugView view = new DebugView(cache, updater::view);
            debug = new DebugHttpServer()
                    .json("/debug/resources", q -> view.resources())
                    .page("/debug/resource", "application/json; charset=utf-8",
                            q -> view.resource(q.getOrDefault("kind", "ServiceEntry"), q.getOrDefault("name", "")))
                    .json("/debug/skipped", q -> view.skipped())
                    .json("/debug/streams", q -> StreamsJson.render(server.streams()))
                    .page("/metrics", "text/plain; version=0.0.4; charset=utf-8",
                            q -> Optional.of(MetricsText.render(indexMetrics, serverMetrics, updater.view())));
            parts.add(debug);
            debug.start(settings.debugBindAddress, settings.debugPort);
            LOG.info("nacos-istio-plugin: debug endpoint on http://{}:{}/debug/resources", settings.debugBindAddress,
                    debug.port());
        }
    }

    /** The MCP server's bound port. */
    public int mcpPort() {
        return server.port();
    }

    /** The debug endpoint's bound port, or -1 when disabled. */
    public int debugPort() {
        return debug == null ? -1 : debug.port();
    }

    public ResourceCache cache() {
        return cache;
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.warn("nacos-istio-plugin: error while stopping {}", parts.get(i).getClass().getSimpleName(), e);
            }
        }
        parts.clear();
    }

    private ServiceConverter converterOf(ServiceEntryMapper mapper) {
        return service -> {
            MappingResult result = mapper.map(service);
            indexMetrics.droppedLabels.addAndGet(result.droppedLabels());
            indexMetrics.skippedInstances.addAndGet(result.skippedInstances());
            if (!result.isValid()) {
                return ConvertedService.rejected(result.errors());
            }
            return ConvertedService.accepted(result.resourceName(), result.host(), result.version(), result.labels(),
                    result.annotations(), result.serviceEntry().toByteString());
        };
    }

    /** Finds Nacos's beans in the context the plugin runs in (or its parents). */
    private static final class SpringBeanLookup implements NacosNamingSource.BeanLookup {
        private final ApplicationContext context;

        SpringBeanLookup(ApplicationContext context) {
            this.context = context;
        }

        @Override
        public <T> T get(Class<T> type) {
            try {
                return context.getBean(type);
            } catch (RuntimeException e) {
                throw new IllegalStateException("this Nacos has no " + type.getName()
                        + " bean; the plugin needs Nacos 2.x or 3.x with the v2 naming core", e);
            }
        }
    }
}
