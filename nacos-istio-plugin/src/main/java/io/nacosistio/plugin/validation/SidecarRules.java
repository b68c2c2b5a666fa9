package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.IstioEgressListener;
import io.nacosistio.proto.istio.networking.v1alpha3.IstioIngressListener;
import io.nacosistio.proto.istio.networking.v1alpha3.OutboundTrafficPolicy;
import io.nacosistio.proto.istio.networking.v1alpha3.Sidecar;
import io.nacosistio.proto.istio.networking.v1alpha3.SidecarPort;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** istiod's Sidecar validation (pilot's validateSidecar), ported. */
final class SidecarRules {

    private static final Pattern DEFAULT_ENDPOINT =
            Pattern.compile("(127\\.0\\.0\\.1|0\\.0\\.0\\.0|\\[::1\\]|\\[::\\]):\\d{1,5}");

    private SidecarRules() {
    }

    static void check(Sidecar sidecar, Violations v) {
        if (sidecar.getEgressCount() == 0 && sidecar.getIngressCount() == 0 && !sidecar.hasOutboundTrafficPolicy()
                && !sidecar.hasInboundConnectionPool()) {
            v.add("spec", "empty Sidecar: give at least one of egress, ingress, outboundTrafficPolicy or "
                    + "inboundConnectionPool");
        }
        if (sidecar.hasWorkloadSelector()) {
            if (sidecar.getWorkloadSelector().getLabelsCount() == 0) {
                v.add("spec.workloadSelector.labels", "at least one label is required");
            }
            v.labels("spec.workloadSelector.labels", sidecar.getWorkloadSelector().getLabelsMap());
        }
        Set<Long> ingressPorts = new HashSet<>();
        for (int i = 0; i < sidecar.getIngressCount(); i++) {
            IstioIngressListener in = sidecar.getIngress(i);
            String path = Violations.at("spec.ingress", i);
            if (!in.hasPort()) {
                v.add(path + ".port", "required");
            } else {
                port(path + ".port", in.getPort(), v);
                if (!ingressPorts.add((long) in.getPort().getNumber())) {
                    v.add(path + ".port.number", "port " + in.getPort().getNumber() + " is used by another ingress "
                            + "listener");
                }
            }
            bind(path + ".bind", in.getBind(), v);
            String endpoint = in.getDefaultEndpoint();
            if (!endpoint.isEmpty() && !endpoint.startsWith("unix://") && !DEFAULT_ENDPOINT.matcher(endpoint).matches()) {
                v.add(path + ".defaultEndpoint", "'" + endpoint + "' must be 127.0.0.1:<port>, 0.0.0.0:<port>, "
                        + "[::1]:<port>, [::]:<port> or unix://<path>");
            }
        }
        int catchAll = -1;
        for (int i = 0; i < sidecar.getEgressCount(); i++) {
            IstioEgressListener out = sidecar.getEgress(i);
            String path = Violations.at("spec.egress", i);
            if (out.getHostsCount() == 0) {
                v.add(path + ".hosts", "at least one host is required");
            }
            for (int h = 0; h < out.getHostsCount(); h++) {
                v.namespacedHost(Violations.at(path + ".hosts", h), out.getHosts(h), true);
            }
            if (out.hasPort()) {
                port(path + ".port", out.getPort(), v);
            } else {
                if (catchAll >= 0) {
                    v.add(path, "only one egress listener may omit the port (the catch-all)");
                }
                catchAll = i;
                if (!out.getBind().isEmpty()) {
                    v.add(path + ".bind", "the catch-all egress listener (no port) cannot have a bind address");
                }
            }
            bind(path + ".bind", out.getBind(), v);
        }
        if (catchAll >= 0 && catchAll != sidecar.getEgressCount() - 1) {
            v.add(Violations.at("spec.egress", catchAll), "the catch-all egress listener (no port) must be the last");
        }
        if (sidecar.hasOutboundTrafficPolicy() && sidecar.getOutboundTrafficPolicy().hasEgressProxy()) {
            OutboundTrafficPolicy policy = sidecar.getOutboundTrafficPolicy();
            if (policy.getMode() != OutboundTrafficPolicy.Mode.ALLOW_ANY) {
                v.add("spec.outboundTrafficPolicy.egressProxy", "allowed only with mode ALLOW_ANY");
            }
            v.host("spec.outboundTrafficPolicy.egressProxy.host", policy.getEgressProxy().getHost(), false);
            if (!policy.getEgressProxy().hasPort()) {
                v.add("spec.outboundTrafficPolicy.egressProxy.port", "required");
            }
        }
    }

    private static void port(String path, SidecarPort port, Violations v) {
        v.port(path + ".number", port.getNumber(), true);
        if (port.getProtocol().isEmpty()) {
            v.add(path + ".protocol", "required");
        } else if (!IstioProtocols.isIstioProtocol(port.getProtocol())) {
            v.add(path + ".protocol", "'" + port.getProtocol() + "' is not a protocol Istio supports");
        }
    }

    private static void bind(String path, String bind, Violations v) {
        if (!bind.isEmpty() && !bind.startsWith("unix://") && !IpLiterals.isIp(bind)) {
            v.add(path, "'" + bind + "' is not an IP address or unix:// path");
        }
    }
}
