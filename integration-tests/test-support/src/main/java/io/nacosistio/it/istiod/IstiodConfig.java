package io.nacosistio.it.istiod;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One config as istiod stores it, read from {@code /debug/configz}: Kubernetes-style metadata and the spec as
 * JSON (field names in camelCase, as in Istio's YAML).
 */
public record IstiodConfig(String kind, String namespace, String name, String resourceVersion, JsonNode metadata,
        JsonNode spec) {

    static IstiodConfig of(JsonNode node) {
        JsonNode metadata = node.path("metadata");
        return new IstiodConfig(node.path("kind").asText(), metadata.path("namespace").asText(),
                metadata.path("name").asText(), metadata.path("resourceVersion").asText(), metadata, node.path("spec"));
    }

    /** {@code namespace/name}, as the MCP resource was named. */
    public String key() {
        return namespace + "/" + name;
    }

    public String annotation(String key) {
        return metadata.path("annotations").path(key).asText(null);
    }
}
