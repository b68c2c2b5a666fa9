package io.nacosistio.plugin.document;

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

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The spec message of every kind the config center serves; other kinds cannot be written as documents. */
public final class SpecTypes {

    private static final Map<IstioKind, Message> PROTOTYPES;

    static {
        Map<IstioKind, Message> m = new EnumMap<>(IstioKind.class);
        m.put(IstioKind.SERVICE_ENTRY, ServiceEntry.getDefaultInstance());
        m.put(IstioKind.WORKLOAD_ENTRY, WorkloadEntry.getDefaultInstance());
        m.put(IstioKind.WORKLOAD_GROUP, WorkloadGroup.getDefaultInstance());
        m.put(IstioKind.VIRTUAL_SERVICE, VirtualService.getDefaultInstance());
        m.put(IstioKind.DESTINATION_RULE, DestinationRule.getDefaultInstance());
        m.put(IstioKind.GATEWAY, Gateway.getDefaultInstance());
        m.put(IstioKind.SIDECAR, Sidecar.getDefaultInstance());
        m.put(IstioKind.ENVOY_FILTER, EnvoyFilter.getDefaultInstance());
        m.put(IstioKind.PROXY_CONFIG, ProxyConfig.getDefaultInstance());
        m.put(IstioKind.AUTHORIZATION_POLICY, AuthorizationPolicy.getDefaultInstance());
        m.put(IstioKind.PEER_AUTHENTICATION, PeerAuthentication.getDefaultInstance());
        m.put(IstioKind.REQUEST_AUTHENTICATION, RequestAuthentication.getDefaultInstance());
        m.put(IstioKind.TELEMETRY, Telemetry.getDefaultInstance());
        m.put(IstioKind.WASM_PLUGIN, WasmPlugin.getDefaultInstance());
        for (Map.Entry<IstioKind, Message> e : m.entrySet()) {
            if (!e.getValue().getDescriptorForType().getFullName().equals(e.getKey().bodyMessage())) {
                throw new IllegalStateException("spec message of " + e.getKey() + " does not match its body type");
            }
        }
        PROTOTYPES = Collections.unmodifiableMap(m);
    }

    private SpecTypes() {
    }

    /** True when documents of this kind can be kept in the config center. */
    public static boolean isDocumentKind(IstioKind kind) {
        return PROTOTYPES.containsKey(kind);
    }

    static Message.Builder newBuilder(IstioKind kind) {
        return PROTOTYPES.get(kind).newBuilderForType();
    }

    /** The descriptors of every spec message, e.g. for printing served bodies as JSON. */
    public static java.util.List<com.google.protobuf.Descriptors.Descriptor> descriptors() {
        java.util.List<com.google.protobuf.Descriptors.Descriptor> list = new java.util.ArrayList<>();
        for (Message m : PROTOTYPES.values()) {
            list.add(m.getDescriptorForType());
        }
        return list;
    }

    /** Every kind a document may declare. */
    public static java.util.Set<IstioKind> documentKinds() {
        return PROTOTYPES.keySet();
    }
}
