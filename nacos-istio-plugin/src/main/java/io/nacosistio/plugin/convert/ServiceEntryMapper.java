package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.resource.RevisionLabel;
import io.nacosistio.plugin.resource.Sha256;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.ServicePort;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.plugin.validation.IpLiterals;
import io.nacosistio.plugin.validation.Labels;
import io.nacosistio.plugin.validation.ServiceEntryValidator;
import io.nacosistio.plugin.validation.Violation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Nacos service → Istio ServiceEntry, exactly per docs/mapping.md. Pure and deterministic: the same
 * service gives the same bytes and version on every node. Never throws for bad registry data; a service
 * that cannot be mapped comes back with its errors, and every valid result has passed
 * {@link ServiceEntryValidator}.
 */
public final class ServiceEntryMapper {

    static final String CLUSTER_LABEL = "nacos.io/cluster";
    static final String NAMESPACE_ANNOTATION = "nacos.io/namespace";
    static final String GROUP_ANNOTATION = "nacos.io/group";
    static final String SERVICE_ANNOTATION = "nacos.io/service";
    /** Dubbo's interface-level registration of a caller: {@code consumers:<interface>:<version>:<group>}. */
    static final String DUBBO_CONSUMERS_PREFIX = "consumers:";
    /** Spring Cloud Alibaba writes {@code secure=true} for instances that serve HTTPS. */
    static final String SECURE_METADATA = "secure";

    private final MappingOptions options;
    private final HostNamer hostNamer;
    private final ResourceNamer resourceNamer;
    private final ServiceEntryValidator validator = new ServiceEntryValidator();
    private final String defaultProtocol;
    private final ServiceSelector selector;

    public ServiceEntryMapper(MappingOptions options) {
        this.options = options;
        this.hostNamer = new HostNamer(options);
        this.resourceNamer = new ResourceNamer(options);
        this.defaultProtocol = options.defaultProtocol().toUpperCase(Locale.ROOT);
        this.selector = new ServiceSelector(options.selection());
    }

    public MappingResult map(RegistryService service) {
        try {
            return mapChecked(service);
        } catch (RuntimeException e) {
            return new MappingResult(null, null, ServiceEntry.getDefaultInstance(), Collections.<String, String>emptyMap(),
                    Collections.<String, String>emptyMap(), null,
                    Collections.singletonList("unexpected mapping failure: " + e), 0, 0);
        }
    }

    private MappingResult mapChecked(RegistryService service) {
        ServiceKey key = service.key();
        if (!options.serveDubboConsumers() && key.serviceName().startsWith(DUBBO_CONSUMERS_PREFIX)) {
            return MappingResult.notSelected("not selected: Dubbo " + DUBBO_CONSUMERS_PREFIX
                    + " services are callers, not destinations (nacos.mesh.mapping.serve-dubbo-consumers=true serves them)");
        }
        ServiceSelector.Selection selection = selector.select(service);
        if (selection.notSelectedBy != null) {
            return MappingResult.notSelected(selection.notSelectedBy);
        }
        List<String> errors = new ArrayList<>();
        if (selection.error != null) {
            errors.add(selection.error);
        }
        int[] dropped = {0};

        List<RegistryInstance> usable = new ArrayList<>();
        int skippedInstances = 0;
        for (RegistryInstance instance : sorted(selection.instances)) {
            if (instance.port() < 1 || instance.port() > 65535 || !isUsableAddress(instance.ip())) {
                skippedInstances++;
            } else {
                usable.add(instance);
            }
        }

        String host = hostOverride(service, usable);
        if (host == null) {
            host = hostNamer.hostOf(key);
        }

        Map<RegistryInstance, List<InstancePort>> instancePorts = new IdentityHashMap<>();
        for (RegistryInstance instance : usable) {
            instancePorts.put(instance, instancePorts(instance, errors));
        }
        PortPlan ports = PortPlan.of(instancePorts.values(), fixedPort(service, usable, errors), defaultProtocol);
        List<RegistryInstance> endpoints = EndpointSelector.eligible(usable, service.protectThreshold());
        boolean dns = false;
        for (RegistryInstance instance : endpoints) {
            if (!IpLiterals.isIp(instance.ip())) {
                dns = true;
            }
        }

        List<String> aliases = aliases(service, host, errors);
        ServiceEntry.Builder se = ServiceEntry.newBuilder()
                .addHosts(host)
                .addAllHosts(aliases)
                .setLocation(ServiceEntry.Location.MESH_INTERNAL)
                .setResolution(dns ? ServiceEntry.Resolution.DNS : ServiceEntry.Resolution.STATIC)
                .addAllPorts(ports.servicePorts())
                .addAllExportTo(exportTo(service));
        List<Double> nacosWeights = new ArrayList<>(endpoints.size());
        for (RegistryInstance instance : endpoints) {
            nacosWeights.add(instance.weight());
        }
        long[] weights = EndpointWeights.of(nacosWeights);
        for (int i = 0; i < endpoints.size(); i++) {
            RegistryInstance instance = endpoints.get(i);
            se.addEndpoints(endpoint(instance, weights[i], ports.endpointPorts(instancePorts.get(instance)), dropped));
        }
        ServiceEntry serviceEntry = se.build();

        String resourceName = resourceNamer.resourceNameOf(key);
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, String> e : service.metadata().entrySet()) {
            if (e.getValue() != null && Labels.isValidKubernetesLabel(e.getKey(), e.getValue())) {
                labels.put(e.getKey(), e.getValue());
            } else {
                dropped[0]++;
            }
        }
        labels = new TreeMap<>(RevisionLabel.apply(labels, options.revision()));
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(NAMESPACE_ANNOTATION, key.namespaceId());
        annotations.put(GROUP_ANNOTATION, key.group());
        annotations.put(SERVICE_ANNOTATION, key.serviceName());

        for (Violation violation : validator.validate(resourceName, annotations, serviceEntry)) {
            errors.add(violation.toString());
        }
        String version = errors.isEmpty() ? versionOf(resourceName, labels, annotations, serviceEntry) : null;
        return new MappingResult(resourceName, host, aliases, serviceEntry, Collections.unmodifiableMap(labels),
                Collections.unmodifiableMap(annotations), version, errors, dropped[0], skippedInstances, null);
    }

    private WorkloadEntry endpoint(RegistryInstance instance, long weight, Map<String, Integer> ports,
            int[] dropped) {
        WorkloadEntry.Builder ep = WorkloadEntry.newBuilder()
                .setAddress(instance.ip())
                .setWeight((int) weight) // uint32 on the wire
                .putAllPorts(ports);
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, String> e : instance.metadata().entrySet()) {
            if (e.getValue() != null && Labels.isValidKey(e.getKey()) && Labels.isValidValue(e.getValue())) {
                labels.put(e.getKey(), e.getValue());
            } else {
                dropped[0]++;
            }
        }
        if (Labels.isValidValue(instance.clusterName())) {
            labels.put(CLUSTER_LABEL, instance.clusterName());
        }
        ep.putAllLabels(labels);
        String locality = Localities.localityOf(instance.metadata());
        if (!locality.isEmpty()) {
            ep.setLocality(locality);
        }
        return ep.build();
    }

    /**
     * The ports an instance listens on: those of Dubbo's {@code dubbo.endpoints} metadata when present,
     * else its registered port with the protocol of its {@code protocol} metadata (HTTPS for Spring Cloud's
     * {@code secure=true} without one). A malformed
     * {@code dubbo.endpoints} is an error of the service (its registered port stands in, for diagnosis).
     */
    private List<InstancePort> instancePorts(RegistryInstance instance, List<String> errors) {
        String dubbo = instance.metadata().get(DubboEndpoints.METADATA_KEY);
        if (dubbo != null) {
            try {
                return DubboEndpoints.parse(dubbo, defaultProtocol);
            } catch (IllegalArgumentException e) {
                errors.add("instance " + instance.ip() + ":" + instance.port() + " metadata "
                        + DubboEndpoints.METADATA_KEY + " " + e.getMessage() + ": " + abbreviate(dubbo));
            }
        }
        String protocol = instance.metadata().get("protocol");
        if (protocol == null && "true".equalsIgnoreCase(instance.metadata().get(SECURE_METADATA))) {
            // Spring Cloud's secure flag (spring.cloud.nacos.discovery.secure): the app itself serves TLS.
            protocol = "https";
        }
        return Collections.singletonList(new InstancePort(ProtocolMapper.protocolOf(protocol, defaultProtocol),
                instance.port()));
    }

    private static String abbreviate(String value) {
        return value.length() <= 120 ? value : value.substring(0, 120) + "...";
    }

    /** The istio.hostname override: service metadata first, then the first instance (by address) that sets it. */
    private String hostOverride(RegistryService service, List<RegistryInstance> instances) {
        String value = service.metadata().get(options.hostnameMetadataKey());
        for (int i = 0; value == null && i < instances.size(); i++) {
            value = instances.get(i).metadata().get(options.hostnameMetadataKey());
        }
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    /**
     * The extra hosts of service metadata {@code istio.aliases} (comma-separated), lowercased unless the
     * keep-case knob is set, without repeats or the service's own host; each must be a full host name
     * (no wildcard), else it is an error of the service.
     */
    private List<String> aliases(RegistryService service, String host, List<String> errors) {
        String value = service.metadata().get(options.aliasesMetadataKey());
        if (value == null) {
            return Collections.emptyList();
        }
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        seen.add(host.toLowerCase(Locale.ROOT));
        List<String> aliases = new ArrayList<>();
        for (String item : value.split(",")) {
            String alias = options.keepCase() ? item.trim() : item.trim().toLowerCase(Locale.ROOT);
            if (alias.isEmpty() || !seen.add(alias.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String error = alias.contains("*") ? "is a wildcard; an alias must be a full host name"
                    : IpLiterals.isIp(alias) ? "is an IP address, not a host"
                    : ServiceEntryValidator.hostError(alias);
            if (error != null) {
                errors.add("metadata " + options.aliasesMetadataKey() + ": alias '" + alias + "' " + error);
                continue;
            }
            aliases.add(alias);
        }
        return aliases;
    }

    /** The istio.port override, from service metadata first, then instance metadata; 0 when unset. */
    private int fixedPort(RegistryService service, List<RegistryInstance> instances, List<String> errors) {
        String value = service.metadata().get(options.portMetadataKey());
        for (int i = 0; value == null && i < instances.size(); i++) {
            value = instances.get(i).metadata().get(options.portMetadataKey());
        }
        if (value == null) {
            return 0;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add("metadata " + options.portMetadataKey() + "='" + value + "' is not a port number in 1-65535");
        return 0;
    }

    private List<String> exportTo(RegistryService service) {
        String value = service.metadata().get(options.exportToMetadataKey());
        if (value == null) {
            return options.defaultExportTo();
        }
        List<String> list = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.trim().isEmpty()) {
                list.add(item.trim());
            }
        }
        return list;
    }

    private static boolean isUsableAddress(String address) {
        return IpLiterals.isIp(address) || ServiceEntryValidator.hostError(address) == null && !address.startsWith("*");
    }

    private static List<RegistryInstance> sorted(List<RegistryInstance> instances) {
        List<RegistryInstance> list = new ArrayList<>(instances);
        list.sort(Comparator.comparing(RegistryInstance::ip).thenComparingInt(RegistryInstance::port)
                .thenComparing(RegistryInstance::clusterName));
        return list;
    }

    private static String versionOf(String name, Map<String, String> labels, Map<String, String> annotations,
            ServiceEntry se) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(name.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
            bytes.write(labels.toString().getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
            bytes.write(annotations.toString().getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
            // Maps inside the message (endpoint labels and ports) are written in key order.
            com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            se.writeTo(out);
            out.flush();
            return Sha256.hex(bytes.toByteArray(), 20);
        } catch (IOException e) {
            throw new IllegalStateException("cannot hash a ServiceEntry", e);
        }
    }

    /** Which ServicePorts the service has and which one each port of each instance belongs to. */
    static final class PortPlan {
        private final Map<String, ServicePort> byProtocol = new LinkedHashMap<>();

        private PortPlan() {
        }

        /**
         * One port per distinct protocol; its number is the most common instance port of that protocol (ties:
         * lowest), or the fixed port for the most common protocol (ties: alphabetical). A protocol whose
         * number would repeat another's is served under the more common protocol's port.
         */
        static PortPlan of(Collection<List<InstancePort>> instancePorts, int fixedPort, String defaultProtocol) {
            PortPlan plan = new PortPlan();
            Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
            Map<String, Integer> protocolTotals = new HashMap<>();
            for (List<InstancePort> ports : instancePorts) {
                for (InstancePort port : ports) {
                    counts.computeIfAbsent(port.protocol, p -> new TreeMap<>()).merge(port.number, 1, Integer::sum);
                    protocolTotals.merge(port.protocol, 1, Integer::sum);
                }
            }
            List<String> protocols = new ArrayList<>(counts.keySet());
            protocols.sort(Comparator.comparing((String p) -> -protocolTotals.get(p)).thenComparing(p -> p));
            if (protocols.isEmpty() && fixedPort > 0) {
                protocols.add(defaultProtocol);
                counts.put(defaultProtocol, Collections.singletonMap(fixedPort, 1));
            }
            java.util.Set<Integer> usedNumbers = new java.util.HashSet<>();
            for (int i = 0; i < protocols.size(); i++) {
                String protocol = protocols.get(i);
                int number = i == 0 && fixedPort > 0 ? fixedPort : mostCommon(counts.get(protocol));
                if (!usedNumbers.add(number)) {
                    continue;
                }
                String name = protocol.toLowerCase(Locale.ROOT) + "-" + number;
                plan.byProtocol.put(protocol,
                        ServicePort.newBuilder().setNumber(number).setProtocol(protocol).setName(name).build());
            }
            return plan;
        }

        List<ServicePort> servicePorts() {
            return new ArrayList<>(byProtocol.values());
        }

        /**
         * The endpoint's {@code ports} map: for each of the instance's ports whose number differs from its
         * ServicePort's, that ServicePort's name → the instance's number. An instance port whose protocol
         * has no ServicePort of its own goes to the first ServicePort, unless another of its ports does.
         */
        Map<String, Integer> endpointPorts(List<InstancePort> instancePorts) {
            Map<String, Integer> result = new TreeMap<>();
            if (byProtocol.isEmpty()) {
                return result;
            }
            ServicePort first = byProtocol.values().iterator().next();
            java.util.Set<String> covered = new java.util.HashSet<>();
            List<InstancePort> unmatched = new ArrayList<>();
            for (InstancePort port : instancePorts) {
                ServicePort servicePort = byProtocol.get(port.protocol);
                if (servicePort == null) {
                    unmatched.add(port);
                    continue;
                }
                covered.add(servicePort.getName());
                if (servicePort.getNumber() != port.number) {
                    result.put(servicePort.getName(), port.number);
                }
            }
            for (InstancePort port : unmatched) {
                if (covered.add(first.getName()) && first.getNumber() != port.number) {
                    result.put(first.getName(), port.number);
                }
            }
            return result;
        }

        private static int mostCommon(Map<Integer, Integer> portCounts) {
            int best = 0;
            int bestCount = -1;
            for (Map.Entry<Integer, Integer> e : portCounts.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            return best;
        }
    }
}
