package io.nacosistio.plugin.resource;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every config kind istiod subscribes to over MCP, with each group/version it has asked for across
 * releases and the proto message its body always carries. istiod matches type URLs exactly and uses no
 * version aliases, so a response must carry back the very URL the client asked for.
 */
public enum IstioKind {
    SERVICE_ENTRY("networking.istio.io", "ServiceEntry", "istio.networking.v1alpha3.ServiceEntry",
            "v1", "v1beta1", "v1alpha3"),
    WORKLOAD_ENTRY("networking.istio.io", "WorkloadEntry", "istio.networking.v1alpha3.WorkloadEntry",
            "v1", "v1beta1", "v1alpha3"),
    WORKLOAD_GROUP("networking.istio.io", "WorkloadGroup", "istio.networking.v1alpha3.WorkloadGroup",
            "v1", "v1beta1", "v1alpha3"),
    VIRTUAL_SERVICE("networking.istio.io", "VirtualService", "istio.networking.v1alpha3.VirtualService",
            "v1", "v1beta1", "v1alpha3"),
    DESTINATION_RULE("networking.istio.io", "DestinationRule", "istio.networking.v1alpha3.DestinationRule",
            "v1", "v1beta1", "v1alpha3"),
    GATEWAY("networking.istio.io", "Gateway", "istio.networking.v1alpha3.Gateway", "v1", "v1beta1", "v1alpha3"),
    SIDECAR("networking.istio.io", "Sidecar", "istio.networking.v1alpha3.Sidecar", "v1", "v1beta1", "v1alpha3"),
    ENVOY_FILTER("networking.istio.io", "EnvoyFilter", "istio.networking.v1alpha3.EnvoyFilter", "v1alpha3"),
    PROXY_CONFIG("networking.istio.io", "ProxyConfig", "istio.networking.v1beta1.ProxyConfig", "v1beta1"),
    AUTHORIZATION_POLICY("security.istio.io", "AuthorizationPolicy", "istio.security.v1beta1.AuthorizationPolicy",
            "v1", "v1beta1"),
    PEER_AUTHENTICATION("security.istio.io", "PeerAuthentication", "istio.security.v1beta1.PeerAuthentication",
            "v1", "v1beta1"),
    REQUEST_AUTHENTICATION("security.istio.io", "RequestAuthentication",
            "istio.security.v1beta1.RequestAuthentication", "v1", "v1beta1"),
    TELEMETRY("telemetry.istio.io", "Telemetry", "istio.telemetry.v1alpha1.Telemetry", "v1", "v1alpha1"),
    WASM_PLUGIN("extensions.istio.io", "WasmPlugin", "istio.extensions.v1alpha1.WasmPlugin", "v1alpha1"),
    TRAFFIC_EXTENSION("extensions.istio.io", "TrafficExtension", "istio.extensions.v1alpha1.TrafficExtension",
            "v1alpha1"),
    /** istiod asks for it first on every stream but never waits for it; it always gets an empty answer. */
    MESH_CONFIG("core", "MeshConfig", "istio.mesh.v1alpha1.MeshConfig", "v1alpha1");

    private static final Map<String, IstioKind> BY_TYPE_URL;

    static {
        Map<String, IstioKind> byUrl = new LinkedHashMap<>();
        for (IstioKind kind : values()) {
            for (String url : kind.typeUrls) {
                byUrl.put(url, kind);
            }
        }
        BY_TYPE_URL = Collections.unmodifiableMap(byUrl);
    }

    private final String group;
    private final String kind;
    private final String bodyMessage;
    private final List<String> versions;
    private final List<String> typeUrls;

    IstioKind(String group, String kind, String bodyMessage, String... versions) {
        this.group = group;
        this.kind = kind;
        this.bodyMessage = bodyMessage;
        this.versions = Collections.unmodifiableList(Arrays.asList(versions));
        String[] urls = new String[versions.length];
        for (int i = 0; i < versions.length; i++) {
            urls[i] = group + "/" + versions[i] + "/" + kind;
        }
        this.typeUrls = Collections.unmodifiableList(Arrays.asList(urls));
    }

    /** The kind requested under {@code typeUrl} (a GVK string such as {@code networking.istio.io/v1/ServiceEntry}). */
    public static Optional<IstioKind> forTypeUrl(String typeUrl) {
        return Optional.ofNullable(BY_TYPE_URL.get(typeUrl));
    }

    /** The kind a Kubernetes-style document names, e.g. apiVersion {@code networking.istio.io/v1beta1}. */
    public static Optional<IstioKind> forApiVersionAndKind(String apiVersion, String kind) {
        return forTypeUrl(apiVersion + "/" + kind);
    }

    public String group() {
        return group;
    }

    public String kindName() {
        return kind;
    }

    /** Full proto name of the body message, e.g. {@code istio.networking.v1alpha3.ServiceEntry}. */
    public String bodyMessage() {
        return bodyMessage;
    }

    /** The {@code google.protobuf.Any} type URL of the body. */
    public String bodyTypeUrl() {
        return "type.googleapis.com/" + bodyMessage;
    }

    public List<String> versions() {
        return versions;
    }

    /** Every GVK type URL under which istiod may subscribe to this kind, newest first. */
    public List<String> typeUrls() {
        return typeUrls;
    }
}
