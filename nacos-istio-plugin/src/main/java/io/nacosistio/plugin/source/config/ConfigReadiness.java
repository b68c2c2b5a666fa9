package io.nacosistio.plugin.source.config;

import io.nacosistio.plugin.source.ReadinessProbe;
import io.nacosistio.plugin.source.ReadinessProbe.Check;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosMode;
import io.nacosistio.plugin.source.nacos.NacosProbes;

/**
 * How this Nacos node reports that its config store is complete ({@code config}). Nacos 2.3 and 3.1 load
 * the config store while their context starts ({@code DumpService}'s start-up dump, which with embedded
 * storage in a cluster first waits for the JRaft group {@value #CONFIG_GROUP} to have a leader), so by the
 * time the plugin starts it is loaded; what is checked is what can still change: with embedded storage in
 * a cluster, that the group has a known leader (this node replays its log). A shared external database
 * is read directly and is complete by construction.
 *
 * <p>Found by name and called by reflection ({@code DatasourceConfiguration.isEmbeddedStorage()}); a
 * Nacos without it gets {@link Check.State#UNKNOWN}.
 */
public final class ConfigReadiness {

    public static final String CONFIG = "config";
    static final String CONFIG_GROUP = "nacos_config";
    static final String DATASOURCE_CONFIGURATION = "com.alibaba.nacos.persistence.configuration.DatasourceConfiguration";

    private ConfigReadiness() {
    }

    /** The config store's probe. Never throws. */
    public static ReadinessProbe probe(BeanLookup beans) {
        ClassLoader loader = ConfigReadiness.class.getClassLoader();
        NacosMode mode = NacosMode.of(loader);
        if (mode.standalone()) {
            return ReadinessProbe.fixed(CONFIG, Check.ready("standalone: the config store was loaded before "
                    + "Nacos started"));
        }
        Boolean embedded = embeddedStorage(loader);
        if (embedded == null) {
            return ReadinessProbe.fixed(CONFIG, Check.unknown("this Nacos has no "
                    + DATASOURCE_CONFIGURATION + ".isEmbeddedStorage()"));
        }
        if (!embedded) {
            return ReadinessProbe.fixed(CONFIG, Check.ready("external database: read directly, shared by every "
                    + "node"));
        }
        return NacosProbes.raftGroup(CONFIG, CONFIG_GROUP, "configs in embedded storage", beans, mode);
    }

    private static Boolean embeddedStorage(ClassLoader loader) {
        try {
            Class<?> type = Class.forName(DATASOURCE_CONFIGURATION, false, loader);
            return Boolean.TRUE.equals(type.getMethod("isEmbeddedStorage").invoke(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
