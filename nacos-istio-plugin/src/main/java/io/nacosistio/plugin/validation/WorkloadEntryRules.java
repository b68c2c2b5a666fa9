package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;

import java.util.Map;

/** istiod's WorkloadEntry validation (pilot's validateWorkloadEntry), ported. */
final class WorkloadEntryRules {

    private WorkloadEntryRules() {
    }

    static void check(WorkloadEntry we, String path, Violations v) {
        String address = we.getAddress();
        if (address.isEmpty()) {
            if (we.getNetwork().isEmpty()) {
                v.add(path + ".address", "required (or set network)");
            }
        } else if (address.startsWith("unix://")) {
            if (we.getPortsCount() > 0) {
                v.add(path + ".ports", "a unix:// address takes no ports");
            }
        } else if (!IpLiterals.isIp(address) && ServiceEntryValidator.hostError(address) != null) {
            v.add(path + ".address", "'" + address + "' is not an IP address, host name or unix:// path");
        }
        for (Map.Entry<String, Integer> port : we.getPortsMap().entrySet()) {
            if (!DnsNameRules.isLabel(port.getKey())) {
                v.add(path + ".ports['" + port.getKey() + "']", "'" + port.getKey() + "' is not a valid port name");
            }
            v.port(path + ".ports['" + port.getKey() + "']", Integer.toUnsignedLong(port.getValue()), true);
        }
        v.labels(path + ".labels", we.getLabelsMap());
    }
}
