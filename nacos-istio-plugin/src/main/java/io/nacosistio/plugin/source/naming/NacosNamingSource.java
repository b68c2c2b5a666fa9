package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.api.naming.pojo.Instance;
import com.alibaba.nacos.api.naming.pojo.ServiceInfo;
import com.alibaba.nacos.common.notify.NotifyCenter;
import com.alibaba.nacos.naming.core.v2.ServiceManager;
import com.alibaba.nacos.naming.core.v2.index.ServiceStorage;
import com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager;
import com.alibaba.nacos.naming.core.v2.metadata.ServiceMetadata;
import com.alibaba.nacos.naming.core.v2.pojo.Service;
import io.nacosistio.plugin.source.RegistryChangeListener;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.RegistrySource;
import io.nacosistio.plugin.source.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Nacos registry, read in-process from Nacos's v2 naming core (Nacos 2.x and 3.x): the service list
 * from {@code ServiceManager}, each service's instances from {@code ServiceStorage} exactly as Nacos
 * pushes them to its own clients (instance metadata overrides applied), and service metadata (protect
 * threshold, extended data) from {@code NamingMetadataManager}. The only class that reads Nacos naming
 * internals besides {@link NamingEventSubscriber}.
 */
public final class NacosNamingSource implements RegistrySource {

    static final Logger LOG = LoggerFactory.getLogger(NacosNamingSource.class);
    /** Nacos 2.x spells the default namespace "" in some places and "public" in others. */
    private static final String NACOS_DEFAULT_NAMESPACE = "public";

    private final ServiceStorage serviceStorage;
    private final NamingMetadataManager metadataManager;
    private NamingEventSubscriber subscriber;

    public NacosNamingSource(ServiceStorage serviceStorage, NamingMetadataManager metadataManager) {
        this.serviceStorage = serviceStorage;
        this.metadataManager = metadataManager;
    }

    /**
     * Finds Nacos's naming beans in the given lookup; fails with a message naming what is missing when
     * this Nacos does not have the v2 naming core the plugin reads.
     */
    public static NacosNamingSource create(BeanLookup beans) {
        return new NacosNamingSource(beans.get(ServiceStorage.class), beans.get(NamingMetadataManager.class));
    }

    /** How the caller (the Spring wiring) hands over Nacos's beans without this package importing Spring. */
    public interface BeanLookup {
        <T> T get(Class<T> type);
    }

    @Override
    public void start(RegistryChangeListener listener) {
        subscriber = new NamingEventSubscriber(listener);
        NotifyCenter.registerSubscriber(subscriber);
    }

    @Override
    public Collection<ServiceKey> allServices() {
        List<ServiceKey> keys = new ArrayList<>();
        ServiceManager manager = ServiceManager.getInstance();
        for (String namespace : manager.getAllNamespaces()) {
            for (Service service : manager.getSingletons(namespace)) {
                keys.add(keyOf(service));
            }
        }
        return keys;
    }

    @Override
    public Optional<RegistryService> read(ServiceKey key) {
        Optional<Service> found = ServiceManager.getInstance()
                .getSingletonIfExist(nacosNamespace(key), key.group(), key.serviceName());
        if (!found.isPresent()) {
            return Optional.empty();
        }
        Service service = found.get();
        ServiceInfo info = serviceStorage.getPushData(service);
        float protectThreshold = 0;
        Map<String, String> metadata = Collections.emptyMap();
        Optional<ServiceMetadata> serviceMetadata = metadataManager.getServiceMetadata(service);
        if (serviceMetadata.isPresent()) {
            protectThreshold = serviceMetadata.get().getProtectThreshold();
            if (serviceMetadata.get().getExtendData() != null) {
                metadata = serviceMetadata.get().getExtendData();
            }
        }
        List<RegistryInstance> instances = new ArrayList<>();
        List<Instance> hosts = info.getHosts();
        if (hosts != null) {
            for (Instance instance : hosts) {
                instances.add(new RegistryInstance(instance.getIp(), instance.getPort(), instance.getWeight(),
                        instance.isHealthy(), instance.isEnabled(), instance.isEphemeral(), instance.getClusterName(),
                        instance.getMetadata()));
            }
        }
        return Optional.of(new RegistryService(key, protectThreshold, metadata, instances));
    }

    @Override
    public void stop() {
        NamingEventSubscriber current = subscriber;
        subscriber = null;
        if (current != null) {
            NotifyCenter.deregisterSubscriber(current);
        }
    }

    static ServiceKey keyOf(Service service) {
        return new ServiceKey(service.getNamespace(), service.getGroup(), service.getName());
    }

    private static String nacosNamespace(ServiceKey key) {
        return ServiceKey.DEFAULT_NAMESPACE.equals(key.namespaceId()) ? NACOS_DEFAULT_NAMESPACE : key.namespaceId();
    }
}
