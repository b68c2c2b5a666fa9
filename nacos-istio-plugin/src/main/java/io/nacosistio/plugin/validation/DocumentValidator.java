package io.nacosistio.plugin.validation;

import com.google.protobuf.Message;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.proto.istio.extensions.v1alpha1.WasmPlugin;
import io.nacosistio.proto.istio.networking.v1alpha3.DestinationRule;
import io.nacosistio.proto.istio.networking.v1alpha3.EnvoyFilter;
import io.nacosistio.proto.istio.networking.v1alpha3.Gateway;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.Sidecar;
import io.nacosistio.proto.istio.networking.v1alpha3.VirtualService;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadEntry;
import io.nacosistio.proto.istio.networking.v1alpha3.WorkloadGroup;
import io.nacosistio.proto.istio.networking.v1beta1.ProxyConfig;
import io.nacosistio.proto.istio.security.v1beta1.AuthorizationPolicy;
import io.nacosistio.proto.istio.security.v1beta1.PeerAuthentication;
import io.nacosistio.proto.istio.security.v1beta1.RequestAuthentication;
import io.nacosistio.proto.istio.telemetry.v1alpha1.Telemetry;

import java.util.List;
import java.util.Map;

/**
 * Istio's own validation for each document kind: whatever istiod would drop with "Error adding a new
 * resource to the store" is refused here first, with a field path and a reason. Thread-safe.
 */
public final class DocumentValidator {

    private final ServiceEntryValidator serviceEntries = new ServiceEntryValidator();

    /** All violations of a document whose spec already read cleanly; empty when istiod would accept it. */
    public List<Violation> validate(IstioKind kind, String name, Map<String, String> labels,
            Map<String, String> annotations, Message spec) {
        Violations v = new Violations();
        switch (kind) {
            case VIRTUAL_SERVICE:
                VirtualServiceRules.check((VirtualService) spec, v);
                break;
            case DESTINATION_RULE:
                DestinationRuleRules.check((DestinationRule) spec, v);
                break;
            case GATEWAY:
                GatewayRules.check((Gateway) spec, v);
                break;
            case SIDECAR:
                SidecarRules.check((Sidecar) spec, v);
                break;
            case SERVICE_ENTRY:
                v.addAll(serviceEntries.validate("ns/" + name, annotations, (ServiceEntry) spec));
                break;
            case WORKLOAD_ENTRY:
                WorkloadEntryRules.check((WorkloadEntry) spec, "spec", v);
                break;
            case WORKLOAD_GROUP:
                workloadGroup((WorkloadGroup) spec, v);
                break;
            case AUTHORIZATION_POLICY:
                SecurityRules.authorizationPolicy((AuthorizationPolicy) spec, v);
                break;
            case PEER_AUTHENTICATION:
                SecurityRules.peerAuthentication((PeerAuthentication) spec, v);
                break;
            case REQUEST_AUTHENTICATION:
                SecurityRules.requestAuthentication((RequestAuthentication) spec, v);
                break;
            case ENVOY_FILTER:
                envoyFilter((EnvoyFilter) spec, v);
                break;
            case TELEMETRY:
                if (((Telemetry) spec).hasSelector()) {
                    SecurityRules.selector("spec.selector", ((Telemetry) spec).getSelector(), v);
                }
                break;
            case PROXY_CONFIG:
                if (((ProxyConfig) spec).hasSelector()) {
                    SecurityRules.selector("spec.selector", ((ProxyConfig) spec).getSelector(), v);
                }
                break;
            case WASM_PLUGIN:
                WasmPlugin wasm = (WasmPlugin) spec;
                if (wasm.getUrl().isEmpty()) {
                    v.add("spec.url", "required (oci://, https:// or file://)");
                } else if (!wasm.getUrl().matches("(oci|https?|file)://.+") && wasm.getUrl().contains("://")) {
                    v.add("spec.url", "'" + wasm.getUrl() + "' must use oci://, http://, https:// or file://");
                }
                if (wasm.hasSelector()) {
                    SecurityRules.selector("spec.selector", wasm.getSelector(), v);
                }
                break;
            default:
                break;
        }
        return v.list();
    }

    private static void workloadGroup(WorkloadGroup group, Violations v) {
        if (group.hasMetadata()) {
            v.labels("spec.metadata.labels", group.getMetadata().getLabelsMap());
        }
        if (!group.hasTemplate()) {
            v.add("spec.template", "required");
            return;
        }
        WorkloadEntry template = group.getTemplate();
        if (!template.getAddress().isEmpty()) {
            v.add("spec.template.address", "must be empty; each workload brings its own address");
        }
        if (!template.getLabelsMap().isEmpty()) {
            v.add("spec.template.labels", "must be empty; use spec.metadata.labels");
        }
        WorkloadEntryRules.check(template.toBuilder().setNetwork(template.getNetwork().isEmpty() ? "-"
                : template.getNetwork()).build(), "spec.template", v);
    }

    private static void envoyFilter(EnvoyFilter filter, Violations v) {
        if (filter.hasWorkloadSelector()) {
            v.labels("spec.workloadSelector.labels", filter.getWorkloadSelector().getLabelsMap());
        }
        for (int i = 0; i < filter.getConfigPatchesCount(); i++) {
            EnvoyFilter.EnvoyConfigObjectPatch patch = filter.getConfigPatches(i);
            String path = Violations.at("spec.configPatches", i);
            if (patch.getApplyTo() == EnvoyFilter.ApplyTo.INVALID) {
                v.add(path + ".applyTo", "required");
            }
            if (!patch.hasPatch()) {
                v.add(path + ".patch", "required");
            } else if (patch.getPatch().getOperation() == EnvoyFilter.Patch.Operation.INVALID) {
                v.add(path + ".patch.operation", "required");
            }
        }
    }
}
