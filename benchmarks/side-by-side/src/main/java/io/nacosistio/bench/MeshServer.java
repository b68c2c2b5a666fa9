package io.nacosistio.bench;

import io.nacosistio.it.IstiodLikeClient;

import java.util.List;

/**
 * The two MCP servers compared: this plugin and Nacos's built-in istio module. Each is given the type URLs it
 * understands (the built-in module knows only the 1.20-era names), and each names a Nacos service's resource
 * its own way.
 */
enum MeshServer {

    PLUGIN("plugin", IstiodLikeClient.ISTIO_124_TYPES, "networking.istio.io/v1/ServiceEntry") {
        @Override
        String resourceName(String service) {
            return "public/" + service + ".default-group";
        }
    },

    BUILT_IN("built-in", IstiodLikeClient.ISTIO_120_TYPES, "networking.istio.io/v1alpha3/ServiceEntry") {
        @Override
        String resourceName(String service) {
            return "public/" + service + ".DEFAULT-GROUP.public";
        }
    };

    private final String label;
    private final List<String> typeUrls;
    private final String serviceEntryTypeUrl;

    MeshServer(String label, List<String> typeUrls, String serviceEntryTypeUrl) {
        this.label = label;
        this.typeUrls = typeUrls;
        this.serviceEntryTypeUrl = serviceEntryTypeUrl;
    }

    /** The MCP resource name under which this server serves a service of DEFAULT_GROUP in the public namespace. */
    abstract String resourceName(String service);

    String label() {
        return label;
    }

    /** Every type URL an istiod that this server can serve subscribes to, MeshConfig excluded. */
    List<String> typeUrls() {
        return typeUrls;
    }

    String serviceEntryTypeUrl() {
        return serviceEntryTypeUrl;
    }
}
