package io.nacosistio.plugin.source.naming;

import com.alibaba.nacos.naming.core.v2.ServiceManager;
import com.alibaba.nacos.naming.core.v2.client.Client;
import com.alibaba.nacos.naming.core.v2.client.manager.ClientManager;
import com.alibaba.nacos.naming.core.v2.index.ClientServiceIndexesManager;
import com.alibaba.nacos.naming.core.v2.metadata.InstanceMetadata;
import com.alibaba.nacos.naming.core.v2.metadata.NamingMetadataManager;
import com.alibaba.nacos.naming.core.v2.metadata.ServiceMetadata;
import com.alibaba.nacos.naming.core.v2.pojo.InstancePublishInfo;
import com.alibaba.nacos.naming.core.v2.pojo.Service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Nacos's naming core as far as the naming source sees it: the real {@code ServiceManager} singleton (in
 * a namespace of its own per test) and in-memory stand-ins for the client index, the clients and the
 * metadata manager. Call {@link #close} to remove the services it created from the singleton.
 */
final class FakeNaming implements AutoCloseable {

    final String namespace = "unit-" + UUID.randomUUID();
    final ClientServiceIndexesManager indexes = mock(ClientServiceIndexesManager.class);
    final ClientManager clients = mock(ClientManager.class);
    final NamingMetadataManager metadata = mock(NamingMetadataManager.class);

    private final Map<Service, List<String>> publishers = new ConcurrentHashMap<>();
    private final Map<String, Client> clientsById = new ConcurrentHashMap<>();
    private final Map<Service, ServiceMetadata> serviceMetadata = new ConcurrentHashMap<>();
    private final Map<String, InstanceMetadata> instanceMetadata = new ConcurrentHashMap<>();
    private final List<Service> created = new ArrayList<>();

    FakeNaming() {
        when(indexes.getAllClientsRegisteredService(any())).thenAnswer(
                inv -> new ArrayList<>(publishers.getOrDefault(inv.getArgument(0), List.of())));
        when(clients.getClient(anyString())).thenAnswer(inv -> clientsById.get(inv.<String>getArgument(0)));
        when(metadata.getServiceMetadata(any())).thenAnswer(
                inv -> Optional.ofNullable(serviceMetadata.get(inv.<Service>getArgument(0))));
        when(metadata.getInstanceMetadata(any(), anyString())).thenAnswer(
                inv -> Optional.ofNullable(instanceMetadata.get(inv.<Service>getArgument(0) + "#"
                        + inv.<String>getArgument(1))));
    }

    NamingRegistryReader reader() {
        return new NamingRegistryReader(indexes, clients, metadata);
    }

    /** Creates (or returns) the service singleton, as Nacos does on the first registration. */
    Service service(String group, String name) {
        Service service = ServiceManager.getInstance().getSingleton(Service.newService(namespace, group, name));
        created.add(service);
        return service;
    }

    void removeService(Service service) {
        ServiceManager.getInstance().removeSingleton(service);
    }

    /** A client that publishes {@code published} for the service. */
    Client publish(String clientId, Service service, InstancePublishInfo published) {
        Client client = clientsById.computeIfAbsent(clientId, id -> {
            Client c = mock(Client.class);
            when(c.getClientId()).thenReturn(id);
            return c;
        });
        when(client.getInstancePublishInfo(service)).thenReturn(published);
        publishers.computeIfAbsent(service, s -> new ArrayList<>()).add(clientId);
        return client;
    }

    void setServiceMetadata(Service service, float protectThreshold, Map<String, String> extendData) {
        ServiceMetadata m = new ServiceMetadata();
        m.setProtectThreshold(protectThreshold);
        m.setExtendData(new HashMap<>(extendData));
        serviceMetadata.put(service, m);
    }

    void setInstanceMetadata(Service service, String metadataId, double weight, boolean enabled,
            Map<String, Object> extendData) {
        InstanceMetadata m = new InstanceMetadata();
        m.setWeight(weight);
        m.setEnabled(enabled);
        m.setExtendData(new HashMap<>(extendData));
        instanceMetadata.put(service + "#" + metadataId, m);
    }

    static InstancePublishInfo instance(String ip, int port, String cluster, boolean healthy,
            Map<String, Object> extendDatum) {
        InstancePublishInfo info = new InstancePublishInfo(ip, port);
        info.setCluster(cluster);
        info.setHealthy(healthy);
        info.getExtendDatum().putAll(extendDatum);
        return info;
    }

    @Override
    public void close() {
        for (Service service : created) {
            ServiceManager.getInstance().removeSingleton(service);
        }
    }
}
