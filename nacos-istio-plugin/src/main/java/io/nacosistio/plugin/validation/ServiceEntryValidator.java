package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.ServicePort;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * istiod's own ServiceEntry validation, re-implemented: whatever istiod would reject with "Error adding a
 * new resource to the store" is rejected here first, with a field path and a reason. Only errors count;
 * istiod ignores warnings, and so does this class.
 */
public final class ServiceEntryValidator {

    private static final Set<String> FORBIDDEN_ANNOTATIONS = new HashSet<>(Arrays.asList(
            "istio.io/dry-run", "internal.istio.io/webhook-always-reject", "internal.istio.io/parent-namespace",
            "internal.istio.io/parents"));
    private static final Set<String> HTTP_OR_TLS = new HashSet<>(Arrays.asList(
            "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "TLS"));

    /** All errors of a ServiceEntry and its MCP metadata; empty when istiod would accept it. */
    public List<Violation> validate(String resourceName, Map<String, String> annotations, ServiceEntry se) {
        Violations errors = new Violations();
        validateMetadata(resourceName, annotations, errors);
        validateSpec(se, errors);
        return errors.list();
    }

    private static void validateMetadata(String resourceName, Map<String, String> annotations, Violations errors) {
        String[] parts = resourceName == null ? new String[0] : resourceName.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            errors.add("metadata.name", "'" + resourceName + "' must be <namespace>/<name>");
        }
        for (String key : annotations.keySet()) {
            if (FORBIDDEN_ANNOTATIONS.contains(key)) {
                errors.add("metadata.annotations", "'" + key + "' is not allowed on a ServiceEntry");
            }
        }
    }

    private static void validateSpec(ServiceEntry se, Violations errors) {
        if (se.hasWorkloadSelector() && se.getEndpointsCount() > 0) {
            errors.add("spec", "workloadSelector and endpoints cannot both be set");
        }
        if (se.hasWorkloadSelector()) {
            for (String key : se.getWorkloadSelector().getLabelsMap().keySet()) {
                if (key.isEmpty() || key.contains("*")) {
                    errors.add("spec.workloadSelector.labels", "invalid key '" + key + "'");
                }
            }
        }
        validateHosts(se, errors);
        validateAddresses(se, errors);
        Set<String> portNames = validatePorts(se, errors);
        validateResolution(se, portNames, errors);
        validateExportTo(se.getExportToList(), errors);
    }

    private static void validateHosts(ServiceEntry se, Violations errors) {
        if (se.getHostsCount() == 0) {
            errors.add("spec.hosts", "at least one host is required");
        }
        for (int i = 0; i < se.getHostsCount(); i++) {
            String host = se.getHosts(i);
            if ("*".equals(host)) {
                errors.add("spec.hosts[" + i + "]", "'*' is not allowed in a ServiceEntry");
                continue;
            }
            String error = hostError(host);
            if (error != null) {
                errors.add("spec.hosts[" + i + "]", "'" + host + "' " + error);
            }
        }
    }

    /** Why a host is not a valid (possibly wildcarded) FQDN, or null. */
    public static String hostError(String host) {
        if (host == null || host.isEmpty()) {
            return "is empty";
        }
        if (host.length() > 255) {
            return "is longer than 255 characters";
        }
        String[] labels = host.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (i == 0 && label.startsWith("*")) {
                String rest = label.substring(1);
                if (rest.isEmpty()) {
                    continue;
                }
                // "*foo" and "*-foo" are allowed in the first label
                String check = rest.startsWith("-") ? rest.substring(1) : rest;
                if (!DnsNameRules.isLabel(check)) {
                    return "has an invalid wildcard label '" + label + "'";
                }
                continue;
            }
            if (!DnsNameRules.isLabel(label)) {
                return "has an invalid DNS label '" + label + "' (1-63 letters, digits or '-', "
                        + "starting and ending with a letter or digit)";
            }
        }
        String tld = labels[labels.length - 1];
        if (!tld.isEmpty() && tld.chars().allMatch(Character::isDigit)) {
            return "has an all-numeric top-level label (an IP address is not a host)";
        }
        return null;
    }

    private static void validateAddresses(ServiceEntry se, Violations errors) {
        ServiceEntry.Resolution resolution = se.getResolution();
        for (int i = 0; i < se.getAddressesCount(); i++) {
            String address = se.getAddresses(i);
            int slash = address.indexOf('/');
            if (slash < 0) {
                if (!IpLiterals.isIp(address)) {
                    errors.add("spec.addresses[" + i + "]", "'" + address + "' is not an IP address or CIDR");
                }
                continue;
            }
            String ip = address.substring(0, slash);
            String bits = address.substring(slash + 1);
            int max = IpLiterals.isIpv4(ip) ? 32 : IpLiterals.isIpv6(ip) ? 128 : -1;
            if (max < 0 || !bits.matches("\\d{1,3}") || Integer.parseInt(bits) > max) {
                errors.add("spec.addresses[" + i + "]", "'" + address + "' is not an IP address or CIDR");
            } else if (resolution != ServiceEntry.Resolution.NONE && resolution != ServiceEntry.Resolution.STATIC) {
                errors.add("spec.addresses[" + i + "]", "CIDR addresses are allowed only with resolution NONE or STATIC");
            }
        }
    }

    private static Set<String> validatePorts(ServiceEntry se, Violations errors) {
        Set<String> names = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < se.getPortsCount(); i++) {
            ServicePort port = se.getPorts(i);
            String path = "spec.ports[" + i + "]";
            if (!names.add(port.getName())) {
                errors.add(path + ".name", "duplicate port name '" + port.getName() + "'");
            }
            if (!numbers.add(port.getNumber())) {
                errors.add(path + ".number", "duplicate port number " + port.getNumber());
            }
            if (port.getNumber() < 1 || port.getNumber() > 65535) {
                errors.add(path + ".number", Integer.toUnsignedString(port.getNumber()) + " is not in 1-65535");
            }
            if (port.getTargetPort() != 0 && (port.getTargetPort() < 1 || port.getTargetPort() > 65535)) {
                errors.add(path + ".targetPort", Integer.toUnsignedString(port.getTargetPort())
                        + " is not in 1-65535");
            }
            if (!DnsNameRules.isLabel(port.getName()) || !port.getName().equals(port.getName().toLowerCase(Locale.ROOT))) {
                errors.add(path + ".name", "'" + port.getName() + "' is not a DNS-1123 label");
            }
            if (!port.getProtocol().isEmpty() && !IstioProtocols.isIstioProtocol(port.getProtocol())) {
                errors.add(path + ".protocol", "'" + port.getProtocol() + "' is not a protocol Istio supports");
            }
        }
        if (se.getHostsCount() > 1 && se.getResolution() != ServiceEntry.Resolution.NONE) {
            for (int i = 0; i < se.getPortsCount(); i++) {
                String protocol = se.getPorts(i).getProtocol().toUpperCase(Locale.ROOT);
                if (!HTTP_OR_TLS.contains(protocol)) {
                    errors.add("spec.ports[" + i + "].protocol", "with several hosts and resolution "
                            + se.getResolution() + " every port must be HTTP-based or TLS");
                }
            }
        }
        return names;
    }

    private static void validateResolution(ServiceEntry se, Set<String> portNames, Violations errors) {
        switch (se.getResolution()) {
            case NONE:
                if (se.getEndpointsCount() > 0) {
                    errors.add("spec.endpoints", "not allowed with resolution NONE");
                }
                break;
            case STATIC:
                for (int i = 0; i < se.getEndpointsCount(); i++) {
                    validateEndpoint(se, i, portNames, false, errors);
                }
                break;
            case DNS:
            case DNS_ROUND_ROBIN:
                if (se.getEndpointsCount() == 0) {
                    for (int i = 0; i < se.getHostsCount(); i++) {
                        if (se.getHosts(i).startsWith("*")) {
                            errors.add("spec.hosts[" + i + "]", "a wildcard host needs endpoints with resolution DNS");
                        }
                    }
                }
                if (se.getResolution() == ServiceEntry.Resolution.DNS_ROUND_ROBIN && se.getEndpointsCount() > 1) {
                    errors.add("spec.endpoints", "resolution DNS_ROUND_ROBIN allows at most one endpoint");
                }
                for (int i = 0; i < se.getEndpointsCount(); i++) {
                    validateEndpoint(se, i, portNames, true, errors);
                }
                break;
            default:
                errors.add("spec.resolution", se.getResolution() + " is not produced for registry services");
        }
    }

    private static void validateEndpoint(ServiceEntry se, int i, Set<String> portNames, boolean dns,
            Violations errors) {
        WorkloadEntry ep = se.getEndpoints(i);
        String path = "spec.endpoints[" + i + "]";
        String address = ep.getAddress();
        boolean unix = address.startsWith("unix://");
        if (address.isEmpty()) {
            if (ep.getNetwork().isEmpty()) {
                errors.add(path + ".address", "required");
            }
        } else if (unix) {
            if (ep.getPortsCount() > 0) {
                errors.add(path + ".ports", "a unix endpoint has no ports");
            }
            if (se.getPortsCount() != 1) {
                errors.add(path + ".address", "a unix endpoint needs a ServiceEntry with exactly one port");
            }
        } else if (!IpLiterals.isIp(address) && !(dns && hostError(address) == null)) {
            errors.add(path + ".address", "'" + address + "' is not an IP address"
                    + (dns ? " or a valid host name" : " (resolution STATIC needs IP addresses)"));
        }
        for (Map.Entry<String, Integer> port : ep.getPortsMap().entrySet()) {
            if (!portNames.contains(port.getKey())) {
                errors.add(path + ".ports", "'" + port.getKey() + "' does not name a port of the ServiceEntry");
            }
            int value = port.getValue();
            if (value < 1 || value > 65535) {
                errors.add(path + ".ports['" + port.getKey() + "']", Integer.toUnsignedString(value)
                        + " is not in 1-65535");
            }
        }
        for (Map.Entry<String, String> label : ep.getLabelsMap().entrySet()) {
            if (!Labels.isValidKey(label.getKey()) || !Labels.isValidValue(label.getValue())) {
                errors.add(path + ".labels", "invalid label '" + label.getKey() + "=" + label.getValue() + "'");
            }
        }
    }

    private static void validateExportTo(List<String> exportTo, Violations errors) {
        Set<String> seen = new HashSet<>();
        for (String ns : exportTo) {
            if (!seen.add(ns)) {
                errors.add("spec.exportTo", "duplicate entry '" + ns + "'");
            }
            boolean special = ns.equals("*") || ns.equals("~") || ns.equals(".");
            if (!special && !DnsNameRules.isLowerLabel(ns)) {
                errors.add("spec.exportTo", "'" + ns + "' is not '.', '*', '~' or a namespace name");
            }
        }
        if ((seen.contains("*") || seen.contains("~")) && seen.size() > 1) {
            errors.add("spec.exportTo", "'*' and '~' must stand alone");
        }
    }
}
