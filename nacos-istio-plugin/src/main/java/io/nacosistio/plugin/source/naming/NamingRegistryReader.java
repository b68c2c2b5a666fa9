package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.api.naming.pojo.Instance;
import com.alibaba.nacos.naming.core.v2.ServiceManager;
import com.alibaba.nacos.naming.core.v2.client.Client;
import com.alibaba.nacos.naming.core.v2.client.manager.ClientManager;
import com.alibaba.nacos.naming.core.v2.index.ClientServiceIndexesManager;
import com.alibaba.nacos.naming.core.v2.metadata.InstanceMetadata;
import com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager;
import com.alibaba.nacos.naming.core.v2.metadata.ServiceMetadata;
import com.alibaba.nacos.naming.core.v2.pojo.BatchInstancePublishInfo;
import com.alibaba.nacos.naming.core.v2.pojo.InstancePublishInfo;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import com.alibaba.nacos.naming.utils.InstanceUtil;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the registry out of Nacos's v2 naming core, giving each service exactly what Nacos pushes to its
 * own subscribers: every instance any client (gRPC connection, HTTP heartbeat client, persistent client,
 * or a Distro-synced client of another node) registered for it, built with Nacos's own
 * {@code InstanceUtil} and overridden by the instance metadata operators set through the console or the
 * API ({@code NamingMetadataManager}), unhealthy and disabled instances included; plus the service's
 * protect threshold and metadata.
 *
 * <p>This is the computation of Nacos's {@code ServiceStorage.getPushData}, done here rather than called
 * because that method writes: it caches its result in Nacos's query cache and re-creates the service
 * singleton when the service is removed concurrently (the empty-service cleaner, an operator). The plugin
 * never writes to Nacos's state.
 *
 * <p>Stateless and safe from any thread: Nacos's indexes are concurrent maps.
 */
final class NamingRegistryReader {

    /** Nacos 2.x and 3.x store the default namespace as "public"; very old data may still say "". */
    private static final String LEGACY_DEFAULT_NAMESPACE = "";

    private static final Comparator<RegistryInstance> INSTANCE_ORDER = Comparator
            .comparing(RegistryInstance::ip)
            .thenComparingInt(RegistryInstance::port)
            .thenComparing(RegistryInstance::clusterName)
            .thenComparing(i -> new TreeMap<>(i.metadata()).toString())
            .thenComparingDouble(RegistryInstance::weight)
            .thenComparing(RegistryInstance::healthy)
            .thenComparing(RegistryInstance::enabled)
            .thenComparing(RegistryInstance::ephemeral);

    private final ClientServiceIndexesManager indexes;
    private final ClientManager clients;
    private final NamingMetadataManager metadata;

    NamingRegistryReader(ClientServiceIndexesManager indexes, ClientManager clients, NamingMetadataManager metadata) {
        this.indexes = indexes;
        this.clients = clients;
        this.metadata = metadata;
    }

    /**
     * Takes Nacos's beans as plain objects so that its caller needs no Nacos types (see
     * {@link NacosNamingSource#create}); the casts are checked here.
     */
    static NamingRegistryReader ofBeans(Object indexes, Object clients, Object metadata) {
        return new NamingRegistryReader((ClientServiceIndexesManager) indexes, (ClientManager) clients,
                (NamingMetadataManager) metadata);
    }

    NamingMetadataManager metadataManager() {
        return metadata;
    }

    static ServiceKey keyOf(Service service) {
        return new ServiceKey(service.getNamespace(), service.getGroup(), service.getName());
    }

    /** Every service Nacos knows, in every namespace, whether or not it has instances. */
    Collection<ServiceKey> allServices() {
        Set<ServiceKey> keys = new LinkedHashSet<>();
        ServiceManager manager = ServiceManager.getInstance();
        for (String namespace : manager.getAllNamespaces()) {
            for (Service service : manager.getSingletons(namespace)) {
                keys.add(keyOf(service));
            }
        }
        return keys;
    }

    /** The live Nacos service behind a key, if it exists. */
    Optional<Service> find(ServiceKey key) {
        ServiceManager manager = ServiceManager.getInstance();
        Optional<Service> found = manager.getSingletonIfExist(
                Service.newService(key.namespaceId(), key.group(), key.serviceName()));
        if (!found.isPresent() && ServiceKey.DEFAULT_NAMESPACE.equals(key.namespaceId())) {
            found = manager.getSingletonIfExist(
                    Service.newService(LEGACY_DEFAULT_NAMESPACE, key.group(), key.serviceName()));
        }
        return found;
    }

    Optional<RegistryService> read(ServiceKey key) {
        Optional<Service> found = find(key);
        if (!found.isPresent()) {
            return Optional.empty();
        }
        Service service = found.get();
        float protectThreshold = 0f;
        Map<String, String> serviceMetadata = Collections.emptyMap();
        Optional<ServiceMetadata> stored = metadata.getServiceMetadata(service);
        if (stored.isPresent()) {
            protectThreshold = stored.get().getProtectThreshold();
            serviceMetadata = withoutNulls(stored.get().getExtendData());
        }
        return Optional.of(new RegistryService(key, protectThreshold, serviceMetadata, instancesOf(service)));
    }

    private List<RegistryInstance> instancesOf(Service service) {
        // A set, as in Nacos: two clients publishing an identical instance show up once.
        Set<Instance> instances = new HashSet<>();
        for (String clientId : indexes.getAllClientsRegisteredService(service)) {
            Client client = clients.getClient(clientId);
            if (client == null) {
                continue;
            }
            InstancePublishInfo published = client.getInstancePublishInfo(service);
            if (published instanceof BatchInstancePublishInfo) {
                List<InstancePublishInfo> batch = ((BatchInstancePublishInfo) published).getInstancePublishInfos();
                if (batch != null) {
                    for (InstancePublishInfo each : batch) {
                        instances.add(toApiInstance(service, each));
                    }
                }
            } else if (published != null) {
                instances.add(toApiInstance(service, published));
            }
        }
        List<RegistryInstance> result = new ArrayList<>(instances.size());
        for (Instance instance : instances) {
            if (instance.getIp() != null) {
                result.add(new RegistryInstance(instance.getIp(), instance.getPort(), instance.getWeight(),
                        instance.isHealthy(), instance.isEnabled(), instance.isEphemeral(),
                        instance.getClusterName(), withoutNulls(instance.getMetadata())));
            }
        }
        // Nacos keeps no order; a fixed one lets equal states compare equal.
        result.sort(INSTANCE_ORDER);
        return result;
    }

    private Instance toApiInstance(Service service, InstancePublishInfo published) {
        Instance instance = InstanceUtil.parseToApiInstance(service, published);
        Optional<InstanceMetadata> override = metadata.getInstanceMetadata(service, published.getMetadataId());
        if (override.isPresent()) {
            InstanceUtil.updateInstanceMetadata(instance, override.get());
        }
        return instance;
    }

    /** Nacos lets metadata values be null; the registry model has none (null keys dropped, values ""). */
    private static Map<String, String> withoutNulls(Map<String, String> source) {
        if (source == null || source.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> result = new LinkedHashMap<>(source.size() * 2);
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (e.getKey() != null) {
                result.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
            }
        }
        return result;
    }
}
