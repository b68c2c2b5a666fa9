package io.nacosistio.plugin.assembly;

import io.nacosistio.plugin.address.AddressBook;
import io.nacosistio.plugin.cache.LayeredPublisher;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.cache.SetPublisher;
import io.nacosistio.plugin.configcenter.ConfigCenterIndex;
import io.nacosistio.plugin.configcenter.ConfigCenterUpdater;
import io.nacosistio.plugin.configcenter.ConfigCenterView;
import io.nacosistio.plugin.convert.MappingResult;
import io.nacosistio.plugin.convert.ResourceNamer;
import io.nacosistio.plugin.convert.ServiceEntryMapper;
import io.nacosistio.plugin.debug.ConfigCenterJson;
import io.nacosistio.plugin.debug.DebugHttpServer;
import io.nacosistio.plugin.debug.DebugView;
import io.nacosistio.plugin.debug.MetricsText;
import io.nacosistio.plugin.debug.ReadinessJson;
import io.nacosistio.plugin.debug.ReconcileJson;
import io.nacosistio.plugin.debug.StreamsJson;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.document.SpecTypes;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.metrics.ConfigCenterMetrics;
import io.nacosistio.plugin.metrics.PluginMeter;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import io.nacosistio.plugin.metrics.RegistryMetrics;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.micrometer.MicrometerMeters;
import io.nacosistio.plugin.readiness.ReadinessGate;
import io.nacosistio.plugin.readiness.ReadinessView;
import io.nacosistio.plugin.reconcile.BatchRecord;
import io.nacosistio.plugin.reconcile.LoopSetup;
import io.nacosistio.plugin.registry.ConvertedService;
import io.nacosistio.plugin.registry.DeclaringPublisher;
import io.nacosistio.plugin.registry.RegistryIndex;
import io.nacosistio.plugin.registry.RegistryUpdater;
import io.nacosistio.plugin.registry.RegistryView;
import io.nacosistio.plugin.registry.ServiceConverter;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.server.McpServer;
import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.SharedConfig;
import io.nacosistio.plugin.source.config.ConfigReadiness;
import io.nacosistio.plugin.source.config.NacosConfigSource;
import io.nacosistio.plugin.source.config.NacosSharedConfig;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.naming.NacosNamingSource;
import io.nacosistio.plugin.source.naming.NacosReadiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The composition root, in plain Java: builds every part of the plugin from its settings and Nacos's beans,
 * starts them and stops them. The running plugin: naming source → ServiceEntry index, and config source → config-center index, both
 * publishing into one cache (config-center ServiceEntries win over registry ones of the same name), then
 * the MCP server and the debug endpoint. Started in that order so the first answer istiod gets is already
 * complete (istiod deletes whatever a response lacks); stopped in reverse.
 */
public final class MeshPlugin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshPlugin.class);
    /** How often the readiness gate checks the parts of this node's data while it waits. */
    static final long READINESS_POLL_MILLIS = 250;
    /** Where the address table lives: a reserved group and dataId in the default namespace. */
    static final String ADDRESS_TABLE_GROUP = "nacos-mesh";
    static final String ADDRESS_TABLE_DATA_ID = "service-addresses";

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final ResourceCache cache = new ResourceCache();
    private final LayeredPublisher layers = new LayeredPublisher(cache);
    private final RegistryMetrics indexMetrics = new RegistryMetrics();
    private final ConfigCenterMetrics configMetrics = new ConfigCenterMetrics();
    private final ServerMetrics serverMetrics = new ServerMetrics();
    private final AddressMetrics addressMetrics = new AddressMetrics();
    private final ReconcileMetrics registryLoopMetrics = new ReconcileMetrics();
    private final ReconcileMetrics configLoopMetrics = new ReconcileMetrics();
    private RegistryUpdater updater;
    private ConfigCenterUpdater configCenter;
    private McpServer server;
    private DebugHttpServer debug;
    private ReadinessGate readiness;

    /** Only {@link #start} builds a running plugin; an unstarted one only lists its {@link #meters} (tests). */
    MeshPlugin() {
    }

    /**
     * Builds every part from {@code settings} and starts them in order; Nacos's beans come from {@code beans}. A
     * failure closes what was started and is thrown.
     */
    public static MeshPlugin start(MeshPluginSettings settings, BeanLookup beans) throws Exception {
        MeshPlugin plugin = new MeshPlugin();
        try {
            plugin.startParts(settings, beans);
            return plugin;
        } catch (Exception | Error e) {
            plugin.close();
            throw e;
        }
    }

    private void startParts(MeshPluginSettings settings, BeanLookup beans) throws Exception {
        settings.checkNoConflictWithBuiltInModule();
        NacosNamingSource source = NacosNamingSource.create(beans);
        ServiceEntryMapper mapper = new ServiceEntryMapper(settings.mapping);
        SharedConfig addressTable = addressTable(settings, beans);
        AddressBook addresses = new AddressBook(settings.addresses, addressTable, System::currentTimeMillis,
                addressMetrics);
        addresses.load();
        readiness = readinessGate(settings, beans);
        if (readiness.checkAtStart() == ReadinessGate.State.WAITING) {
            // Before the server starts: no stream gets an answer until the gate opens.
            cache.holdAnswers();
        }
        RegistryIndex index = new RegistryIndex(converterOf(mapper), addresses, System::currentTimeMillis);
        updater = new RegistryUpdater(source, index, layers.layer(LayeredPublisher.Layer.REGISTRY), indexMetrics,
                LoopSetup.onOwnThread(RegistryUpdater.PIPELINE, "nacos-mesh-index", settings.debounce,
                        settings.resyncIntervalMillis, registryLoopMetrics),
                settings.membershipCheckMillis);
        parts.add(updater);
        if (addressTable != null) {
            addressTable.watch(updater::addressTableChanged);
            parts.add(addressTable::stop);
        }
        long started = System.nanoTime();
        updater.start();
        LOG.info("nacos-istio-plugin: indexed {} registry services ({} served, {} skipped) in {} ms",
                indexMetrics.servicesRead.get(), updater.view().served().resources().size(),
                updater.view().skipped().size(), (System.nanoTime() - started) / 1_000_000);

        if (settings.configCenterEnabled) {
            startConfigCenter(settings, beans);
        }

        readiness.awaitInBackground(done -> updater.reconcileThen(() -> {
            ConfigCenterUpdater config = configCenter;
            if (config == null) {
                done.run();
            } else {
                config.reconcileThen(done);
            }
        }));

        server = new McpServer(settings.server, cache, serverMetrics);
        parts.add(server);
        server.start();

        List<PluginMeter> meters = meters(updater::view, readiness::view);
        registerWithNacosMeters(meters);

        if (settings.debugPort > 0) {
            DebugView view = new DebugView(cache, updater::view);
            debug = new DebugHttpServer()
                    .json("/debug/resources", q -> view.resources())
                    .page("/debug/resource", "application/json; charset=utf-8",
                            q -> view.resource(q.getOrDefault("kind", "ServiceEntry"), q.getOrDefault("name", "")))
                    .json("/debug/skipped", q -> view.skipped())
                    .json("/debug/addresses", q -> view.addresses())
                    .json("/debug/streams", q -> StreamsJson.render(server.streams()))
                    .page("/debug/readiness", "application/json; charset=utf-8",
                            q -> Optional.of(ReadinessJson.render(readiness.view())))
                    .json("/debug/config", q -> ConfigCenterJson.render(configView(), layers.shadowed(),
                            configCenter != null))
                    .json("/debug/reconcile", q -> ReconcileJson.render(Arrays.asList(
                            new ReconcileJson.Pipeline(RegistryUpdater.PIPELINE, registryLoopMetrics,
                                    updater::recentBatches),
                            new ReconcileJson.Pipeline(ConfigCenterUpdater.PIPELINE, configLoopMetrics,
                                    this::configBatches))))
                    .page("/metrics", "text/plain; version=0.0.4; charset=utf-8",
                            q -> Optional.of(MetricsText.render(meters)));
            parts.add(debug);
            debug.start(settings.debugBindAddress, settings.debugPort);
            LOG.info("nacos-istio-plugin: debug endpoint on http://{}:{}/debug/resources", settings.debugBindAddress,
                    debug.port());
        }
    }

    /**
     * Every metric the plugin exports, read from its counters and from the registry's and the readiness gate's
     * views: the one list that Nacos's Micrometer registry gets and the debug port's {@code /metrics} renders.
     */
    List<PluginMeter> meters(Supplier<RegistryView> registry, Supplier<ReadinessView> readinessView) {
        List<PluginMeter> meters = MetricsText.catalog(indexMetrics, registryLoopMetrics, serverMetrics, registry,
                configMetrics, configLoopMetrics, this::configView, layers::shadowed);
        meters.addAll(MetricsText.addressCatalog(addressMetrics, () -> registry.get().addresses()));
        meters.addAll(MetricsText.readinessCatalog(readinessView));
        return meters;
    }

    /**
     * The gate that holds answers until this node's data is complete: naming (Distro, JRaft) and, with the
     * config center on, the config store. Its checks run on a thread of their own, started only if it waits.
     */
    private ReadinessGate readinessGate(MeshPluginSettings settings, BeanLookup beans) {
        List<ReadinessProbe> probes = new ArrayList<>(NacosReadiness.namingProbes(beans));
        if (settings.configCenterEnabled || settings.addresses.allocate()) {
            probes.add(ConfigReadiness.probe(beans));
        }
        LazyScheduler scheduler = new LazyScheduler();
        parts.add(scheduler);
        return new ReadinessGate(probes, settings.readinessMaxWaitMillis, READINESS_POLL_MILLIS,
                () -> System.nanoTime() / 1_000_000, scheduler, cache::releaseAnswers);
    }

    /** The readiness gate's scheduler: its thread exists only once something is scheduled. */
    private static final class LazyScheduler implements ReadinessGate.Scheduler, AutoCloseable {
        private ScheduledExecutorService executor;
        private boolean closed;

        @Override
        public synchronized void schedule(Runnable task, long delayMillis) {
            if (closed) {
                return;
            }
            if (executor == null) {
                executor = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "nacos-mesh-readiness");
                    t.setDaemon(true);
                    return t;
                });
            }
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("nacos-istio-plugin: readiness check failed", e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }

    /** The address table in Nacos config, or null when allocation is off or this Nacos has no config module. */
    private static SharedConfig addressTable(MeshPluginSettings settings, BeanLookup beans) {
        if (!settings.addresses.allocate()) {
            return null;
        }
        try {
            return NacosSharedConfig.create(beans, ADDRESS_TABLE_GROUP, ADDRESS_TABLE_DATA_ID);
        } catch (IllegalStateException e) {
            LOG.warn("nacos-istio-plugin: address allocation off, ServiceEntries get no VIP: {}", e.getMessage());
            return null;
        }
    }

    /**
     * Registers the plugin's metrics with Nacos's Micrometer registry, so that they appear at
     * {@code /nacos/actuator/prometheus} beside Nacos's own. Micrometer comes from Nacos's class path; without
     * it the metrics stay on the debug port only.
     */
    private void registerWithNacosMeters(List<PluginMeter> meters) {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics", false, MeshPlugin.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.warn("nacos-istio-plugin: Micrometer is not on Nacos's class path; the plugin's metrics are only on "
                    + "the debug port's /metrics");
            return;
        }
        try {
            parts.add(MicrometerMeters.register(meters));
            LOG.info("nacos-istio-plugin: {} metrics registered with Nacos's meter registry (nacos_mesh_*)",
                    meters.size());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("nacos-istio-plugin: the plugin's metrics could not be registered with Nacos's meter registry "
                    + "({}); they stay on the debug port's /metrics", e.toString());
        }
    }

    /**
     * Loads every Istio document kept in Nacos config before the server starts. A Nacos without a config
     * module (or one whose config internals differ: a NacosInternalsMismatchException) runs the plugin
     * without the config center.
     */
    private void startConfigCenter(MeshPluginSettings settings, BeanLookup beans)
            throws InterruptedException {
        NacosConfigSource source;
        try {
            source = NacosConfigSource.create(beans, settings.configGroup,
                    settings.configTags);
        } catch (IllegalStateException e) {
            LOG.warn("nacos-istio-plugin: config center disabled: {}", e.getMessage());
            return;
        }
        ResourceNamer namer = new ResourceNamer(settings.mapping);
        ConfigCenterIndex index = new ConfigCenterIndex(new ConfigDocuments(settings.configMaxContentBytes),
                namer::istioNamespaceOf, System::currentTimeMillis, settings.mapping.revision());
        Map<IstioKind, SetPublisher> publishers = new EnumMap<>(IstioKind.class);
        for (IstioKind kind : SpecTypes.documentKinds()) {
            publishers.put(kind, layers.layer(LayeredPublisher.Layer.CONFIG_CENTER));
        }
        // Config-center ServiceEntries keep the addresses they declare; registry VIPs give way to them.
        publishers.put(IstioKind.SERVICE_ENTRY, new DeclaringPublisher(
                layers.layer(LayeredPublisher.Layer.CONFIG_CENTER), updater));
        configCenter = new ConfigCenterUpdater(source, index, publishers, configMetrics,
                LoopSetup.onOwnThread(ConfigCenterUpdater.PIPELINE, "nacos-mesh-config", settings.debounce,
                        settings.configResyncIntervalMillis, configLoopMetrics));
        parts.add(configCenter);
        long started = System.nanoTime();
        configCenter.start();
        ConfigCenterView view = configCenter.view();
        int served = 0;
        for (List<?> docs : view.documents().values()) {
            served += docs.size();
        }
        LOG.info("nacos-istio-plugin: config center (group {}, tags {}) loaded {} configs: {} documents served, {} "
                + "refused, in {} ms", settings.configGroup, settings.configTags, view.documents().size(), served,
                view.refused().size(), (System.nanoTime() - started) / 1_000_000);
    }

    private ConfigCenterView configView() {
        ConfigCenterUpdater running = configCenter;
        return running == null ? null : running.view();
    }

    private List<BatchRecord> configBatches() {
        ConfigCenterUpdater running = configCenter;
        return running == null ? Collections.<BatchRecord>emptyList() : running.recentBatches();
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

    /** The readiness gate as it is now. */
    public ReadinessView readiness() {
        return readiness.view();
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
            if (!result.isSelected()) {
                return ConvertedService.notSelected(result.notSelectedBy());
            }
            indexMetrics.droppedLabels.addAndGet(result.droppedLabels());
            indexMetrics.skippedInstances.addAndGet(result.skippedInstances());
            if (!result.isValid()) {
                return ConvertedService.rejected(result.errors());
            }
            return ConvertedService.accepted(result.resourceName(), result.host(), result.aliases(), result.version(),
                    result.labels(), result.annotations(), result.serviceEntry().toByteString());
        };
    }
}
