package io.nacosistio.plugin.source.config;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.common.notify.Event;
import com.alibaba.nacos.common.notify.NotifyCenter;
import com.alibaba.nacos.common.notify.listener.Subscriber;
import com.alibaba.nacos.common.utils.NamespaceUtil;
import com.alibaba.nacos.config.server.model.ConfigAllInfo;
import com.alibaba.nacos.config.server.model.ConfigRequestInfo;
import com.alibaba.nacos.config.server.model.event.LocalDataChangeEvent;
import com.alibaba.nacos.config.server.model.form.ConfigForm;
import com.alibaba.nacos.config.server.service.ConfigOperationService;
import com.alibaba.nacos.config.server.service.repository.ConfigInfoPersistService;
import com.alibaba.nacos.config.server.utils.GroupKey2;
import io.nacosistio.plugin.source.SharedConfig;
import io.nacosistio.plugin.source.nacos.BeanLookup;
import io.nacosistio.plugin.source.nacos.NacosInternalsMismatchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One config in the default namespace, read from Nacos's config store and written through Nacos's own
 * config publishing service with compare-and-set on the content MD5, the way a client's CAS publish is
 * handled: the write is stored (on a cluster, through its consistency protocol or the shared database) and
 * every node is told, so every node raises {@code LocalDataChangeEvent} for it.
 *
 * <p>Created only through {@link #create}, which fails at once, naming what is missing, when this Nacos has no
 * config module or its config internals differ.
 *
 * <p>Threading: {@link #read} and {@link #replace} are safe from any thread; the watch callback runs on
 * Nacos's event thread.
 */
public final class NacosSharedConfig implements SharedConfig {

    private static final Logger LOG = LoggerFactory.getLogger(NacosSharedConfig.class);
    private static final String WRITER = "nacos-istio-plugin";
    /** A CAS MD5 no content has: makes the first write an insert that fails if another node inserted first. */
    private static final String ABSENT_MD5 = "absent";

    static final String[] REQUIRED_CLASSES = {
        "com.alibaba.nacos.config.server.service.repository.ConfigInfoPersistService",
        "com.alibaba.nacos.config.server.service.ConfigOperationService",
        "com.alibaba.nacos.config.server.model.form.ConfigForm",
        "com.alibaba.nacos.config.server.model.ConfigRequestInfo",
        "com.alibaba.nacos.config.server.model.event.LocalDataChangeEvent",
        "com.alibaba.nacos.common.utils.NamespaceUtil",
    };

    private final ConfigInfoPersistService store;
    private final ConfigOperationService publisher;
    private final String group;
    private final String dataId;
    private final String defaultTenant;
    private Subscriber<LocalDataChangeEvent> subscriber;

    private NacosSharedConfig(ConfigInfoPersistService store, ConfigOperationService publisher, String group,
            String dataId) {
        this.store = store;
        this.publisher = publisher;
        this.group = group;
        this.dataId = dataId;
        this.defaultTenant = NamespaceUtil.getNamespaceDefaultId();
    }

    /**
     * @throws NacosInternalsMismatchException naming every missing class, method or bean
     */
    public static NacosSharedConfig create(BeanLookup beans, String group, String dataId) {
        ClassLoader loader = NacosSharedConfig.class.getClassLoader();
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED_CLASSES) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new NacosInternalsMismatchException("this Nacos has no config module the address table can be "
                    + "kept in; missing " + String.join(", ", missing));
        }
        try {
            ConfigInfoPersistService.class.getMethod("findConfigAllInfo", String.class, String.class, String.class);
            ConfigOperationService.class.getMethod("publishConfig", ConfigForm.class, ConfigRequestInfo.class,
                    String.class);
            ConfigRequestInfo.class.getMethod("setCasMd5", String.class);
        } catch (NoSuchMethodException | LinkageError e) {
            throw new NacosInternalsMismatchException("this Nacos's config services differ from what the address "
                    + "table needs: " + e, e);
        }
        Object store;
        Object publisher;
        try {
            store = beans.get(ConfigInfoPersistService.class);
            publisher = beans.get(ConfigOperationService.class);
        } catch (RuntimeException e) {
            throw new NacosInternalsMismatchException("this Nacos has no config persistence or publishing bean: "
                    + e.getMessage(), e);
        }
        if (store == null || publisher == null) {
            throw new NacosInternalsMismatchException("this Nacos has no config persistence or publishing bean");
        }
        return new NacosSharedConfig((ConfigInfoPersistService) store, (ConfigOperationService) publisher, group,
                dataId);
    }

    @Override
    public Optional<Stored> read() {
        ConfigAllInfo info = find();
        if (info == null) {
            return Optional.empty();
        }
        String content = info.getContent() == null ? "" : info.getContent();
        return Optional.of(new Stored(content, info.getMd5() == null ? "" : info.getMd5()));
    }

    @Override
    public boolean replace(String expectedMd5, String content) {
        ConfigAllInfo existing = find();
        String tenant = existing == null || existing.getTenant() == null ? defaultTenant : existing.getTenant();
        ConfigForm form = new ConfigForm();
        form.setDataId(dataId);
        form.setGroup(group);
        form.setNamespaceId(tenant);
        form.setContent(content);
        form.setType("text");
        form.setSrcUser(WRITER);
        form.setAppName("");
        form.setDesc("VIPs of registry ServiceEntries, kept by nacos-istio-plugin");
        ConfigRequestInfo request = new ConfigRequestInfo();
        request.setSrcIp("127.0.0.1");
        request.setRequestIpApp(WRITER);
        request.setCasMd5(expectedMd5 == null || expectedMd5.isEmpty() ? ABSENT_MD5 : expectedMd5);
        try {
            Boolean done = publisher.publishConfig(form, request, null);
            return done == null || done;
        } catch (NacosException e) {
            if (String.valueOf(e.getErrMsg()).contains("md5")) {
                return false;
            }
            throw new IllegalStateException("Nacos refused the write of " + describe() + ": " + e.getErrMsg(), e);
        } catch (RuntimeException e) {
            // A concurrent first insert fails on the unique key: the other writer won.
            if (existing == null && e.getClass().getName().contains("DuplicateKey")) {
                return false;
            }
            throw new IllegalStateException("writing " + describe() + " failed: " + e, e);
        }
    }

    @Override
    public synchronized void watch(Runnable changed) {
        if (subscriber != null) {
            throw new IllegalStateException("already watched");
        }
        subscriber = new Subscriber<LocalDataChangeEvent>() {
            @Override
            public void onEvent(LocalDataChangeEvent event) {
                try {
                    String[] parts = GroupKey2.parseKey(event.groupKey);
                    if (dataId.equals(parts[0]) && group.equals(parts[1])) {
                        changed.run();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("nacos-istio-plugin: ignoring config change event {}: {}", event.groupKey, e.toString());
                }
            }

            @Override
            public Class<? extends Event> subscribeType() {
                return LocalDataChangeEvent.class;
            }
        };
        NotifyCenter.registerSubscriber(subscriber);
    }

    @Override
    public synchronized void stop() {
        if (subscriber != null) {
            NotifyCenter.deregisterSubscriber(subscriber);
            subscriber = null;
        }
    }

    @Override
    public String describe() {
        return "dataId " + dataId + ", group " + group + ", default namespace";
    }

    /** The default namespace is "" in Nacos 2 and "public" in Nacos 3; a table may have been written under either. */
    private ConfigAllInfo find() {
        for (String tenant : new String[] {defaultTenant, "", "public"}) {
            ConfigAllInfo info = store.findConfigAllInfo(dataId, group, tenant);
            if (info != null) {
                return info;
            }
        }
        return null;
    }
}
