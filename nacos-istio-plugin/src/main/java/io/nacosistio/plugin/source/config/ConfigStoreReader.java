package io.nacosistio.plugin.source.config;

import com.alibaba.nacos.config.server.model.ConfigAllInfo;
import com.alibaba.nacos.config.server.service.repository.ConfigInfoPersistService;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;
import io.nacosistio.plugin.source.ServiceKey;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads configs from Nacos's config store (the same persistence service Nacos's own dump uses, so every
 * node of a cluster reads the same rows), keeping only configs in the watched group or carrying one of
 * the watched tags. Writes nothing.
 *
 * <p>Threading: safe from any thread; the persistence service is.
 */
final class ConfigStoreReader {

    private static final int PAGE_SIZE = 500;
    private static final String MARKER_VIRTUAL_SERVICE = "VirtualService";
    private static final String MARKER_DESTINATION_RULE = "DestinationRule";

    private final ConfigInfoPersistService store;
    private final Method fragment;
    private final String group;
    private final Set<String> tags;
    /** The tenant each key was seen with: the default namespace is "" in some versions, "public" in others. */
    private final ConcurrentHashMap<ConfigKey, String> tenants = new ConcurrentHashMap<>();

    ConfigStoreReader(Object store, String group, Set<String> tags) throws NoSuchMethodException {
        this.store = (ConfigInfoPersistService) store;
        // Its return type (a Page) moved package between Nacos 2 and 3: called by name, read by name.
        this.fragment = ConfigInfoPersistService.class.getMethod("findAllConfigInfoFragment", long.class, int.class,
                boolean.class);
        this.group = group;
        this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(tags));
    }

    /** True when a change of this config may concern the plugin (decided without reading it). */
    boolean mayHoldDocuments(String changedGroup) {
        return group.equals(changedGroup) || !tags.isEmpty();
    }

    ConfigKey keyOf(String dataId, String changedGroup, String tenant) {
        ConfigKey key = new ConfigKey(tenant, changedGroup, dataId);
        tenants.put(key, tenant == null ? "" : tenant);
        return key;
    }

    /**
     * Every config that may hold documents. With {@code thorough}, configs outside the watched group are
     * checked for the watched tags when their content mentions a tagged kind (reads every content once);
     * without it, only the watched group is listed.
     */
    List<ConfigKey> list(boolean thorough) {
        List<ConfigKey> keys = new ArrayList<>();
        long lastId = 0;
        while (true) {
            List<?> items = page(lastId, thorough);
            if (items.isEmpty()) {
                return keys;
            }
            for (Object o : items) {
                com.alibaba.nacos.config.server.model.ConfigInfo info =
                        (com.alibaba.nacos.config.server.model.ConfigInfo) o;
                lastId = Math.max(lastId, info.getId());
                boolean candidate = group.equals(info.getGroup());
                if (!candidate && thorough && !tags.isEmpty() && mentionsTaggedKind(info.getContent())) {
                    candidate = hasWatchedTag(store.selectTagByConfig(info.getDataId(), info.getGroup(),
                            info.getTenant()));
                }
                if (candidate) {
                    keys.add(keyOf(info.getDataId(), info.getGroup(), info.getTenant()));
                }
            }
            if (items.size() < PAGE_SIZE) {
                return keys;
            }
        }
    }

    Optional<ConfigItem> read(ConfigKey key) {
        ConfigAllInfo info = null;
        for (String tenant : tenantsToTry(key)) {
            info = store.findConfigAllInfo(key.dataId(), key.group(), tenant);
            if (info != null) {
                break;
            }
        }
        if (info == null) {
            return Optional.empty();
        }
        Set<String> configTags = splitTags(info.getConfigTags());
        if (!group.equals(key.group()) && !hasWatchedTag(new ArrayList<>(configTags))) {
            return Optional.empty();
        }
        return Optional.of(new ConfigItem(key, info.getContent(), configTags, info.getCreateTime()));
    }

    private List<String> tenantsToTry(ConfigKey key) {
        List<String> candidates = new ArrayList<>();
        String seen = tenants.get(key);
        if (seen != null) {
            candidates.add(seen);
        }
        if (key.namespaceId().equals(ServiceKey.DEFAULT_NAMESPACE)) {
            for (String t : new String[] {"", ServiceKey.DEFAULT_NAMESPACE}) {
                if (!candidates.contains(t)) {
                    candidates.add(t);
                }
            }
        } else if (!candidates.contains(key.namespaceId())) {
            candidates.add(key.namespaceId());
        }
        return candidates;
    }

    private List<?> page(long lastId, boolean withContent) {
        try {
            Object page = fragment.invoke(store, lastId, PAGE_SIZE, withContent);
            if (page == null) {
                return Collections.emptyList();
            }
            Object items = page.getClass().getMethod("getPageItems").invoke(page);
            return items == null ? Collections.emptyList() : (List<?>) items;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("listing configs failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("listing configs failed: " + e, e);
        }
    }

    private boolean hasWatchedTag(List<String> configTags) {
        if (configTags == null) {
            return false;
        }
        for (String t : configTags) {
            if (tags.contains(t.trim())) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsTaggedKind(String content) {
        return content != null && (content.contains(MARKER_VIRTUAL_SERVICE) || content.contains(MARKER_DESTINATION_RULE));
    }

    private static Set<String> splitTags(String configTags) {
        Set<String> result = new LinkedHashSet<>();
        if (configTags == null) {
            return result;
        }
        for (String t : configTags.split(",")) {
            if (!t.trim().isEmpty()) {
                result.add(t.trim());
            }
        }
        return result;
    }
}
