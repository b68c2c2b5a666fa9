package io.nacosistio.plugin.source.config;

import io.nacosistio.plugin.source.ConfigChangeListener;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.plugin.source.ConfigSource;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosInternalsMismatchException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Nacos config, read in-process: configs in the watched group (default {@code istio}) in every namespace,
 * and configs anywhere tagged the way Nacos's built-in istio module expects ({@code virtual-service},
 * {@code destination-rule}). Reads nothing but Nacos's config store and writes nothing to it.
 *
 * <p>Created only through {@link #create}, which fails at once, naming what is missing, when this Nacos
 * has no config module the plugin can read (for instance a naming-only deployment).
 *
 * <p>Threading: {@link #start} and {@link #stop} are guarded by this object's lock; {@link #allConfigs}
 * and {@link #read} are safe from any thread. Listener calls come from Nacos's event thread.
 */
public final class NacosConfigSource implements ConfigSource {

    static final String[] REQUIRED_CLASSES = {
        "com.alibaba.nacos.config.server.service.repository.ConfigInfoPersistService",
        "com.alibaba.nacos.config.server.model.ConfigAllInfo",
        "com.alibaba.nacos.config.server.model.event.LocalDataChangeEvent",
        "com.alibaba.nacos.config.server.utils.GroupKey2",
        "com.alibaba.nacos.common.notify.NotifyCenter",
    };

    private final ConfigStoreReader reader;
    private ConfigEventSubscriber subscriber;
    private boolean listed;

    private NacosConfigSource(ConfigStoreReader reader) {
        this.reader = reader;
    }

    /**
     * @param group the config group whose every dataId may hold documents
     * @param tags  tags that make a config in any group hold documents; empty for none
     * @throws NacosInternalsMismatchException naming every missing class, method or bean
     */
    public static NacosConfigSource create(BeanLookup beans, String group, Set<String> tags) {
        ClassLoader loader = NacosConfigSource.class.getClassLoader();
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED_CLASSES) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new NacosInternalsMismatchException("this Nacos has no config module the plugin can read; missing "
                    + String.join(", ", missing));
        }
        Object store;
        try {
            store = beans.get(Class.forName(REQUIRED_CLASSES[0], false, loader));
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new NacosInternalsMismatchException("this Nacos has no ConfigInfoPersistService bean: " + e, e);
        }
        if (store == null) {
            throw new NacosInternalsMismatchException("this Nacos has no ConfigInfoPersistService bean");
        }
        try {
            return new NacosConfigSource(new ConfigStoreReader(store, group, tags));
        } catch (NoSuchMethodException e) {
            throw new NacosInternalsMismatchException("this Nacos's ConfigInfoPersistService has no "
                    + "findAllConfigInfoFragment(long, int, boolean)", e);
        }
    }

    @Override
    public synchronized void start(ConfigChangeListener listener) {
        if (subscriber != null) {
            throw new IllegalStateException("already started");
        }
        subscriber = new ConfigEventSubscriber(reader, listener);
        subscriber.register();
    }

    /** The first listing reads every content once to find tagged configs; later ones list the group only. */
    @Override
    public Collection<ConfigKey> allConfigs() {
        boolean thorough;
        synchronized (this) {
            thorough = !listed;
            listed = true;
        }
        return reader.list(thorough);
    }

    @Override
    public Optional<ConfigItem> read(ConfigKey key) {
        return reader.read(key);
    }

    @Override
    public synchronized void stop() {
        if (subscriber != null) {
            subscriber.deregister();
            subscriber = null;
        }
    }
}
