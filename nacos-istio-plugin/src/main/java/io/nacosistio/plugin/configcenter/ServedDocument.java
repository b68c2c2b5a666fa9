package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.source.ConfigKey;

/**
 * A document a config declares and the resource built from it. {@code retained} marks the last accepted
 * version kept because the config's newer content for it was refused.
 */
public final class ServedDocument implements Comparable<ServedDocument> {

    private final ConfigKey config;
    private final int index;
    private final ResourceId id;
    private final McpResource resource;
    private final boolean retained;

    ServedDocument(ConfigKey config, int index, ResourceId id, McpResource resource, boolean retained) {
        this.config = config;
        this.index = index;
        this.id = id;
        this.resource = resource;
        this.retained = retained;
    }

    ServedDocument retainedAt(int newIndex) {
        return new ServedDocument(config, newIndex, id, resource, true);
    }

    public ConfigKey config() {
        return config;
    }

    /** 1-based position of the document in its config. */
    public int index() {
        return index;
    }

    public ResourceId id() {
        return id;
    }

    public McpResource resource() {
        return resource;
    }

    public boolean retained() {
        return retained;
    }

    /** The order that decides between two documents claiming one resource: config key, then position. */
    @Override
    public int compareTo(ServedDocument o) {
        int c = config.compareTo(o.config);
        return c != 0 ? c : Integer.compare(index, o.index);
    }

    /** e.g. {@code document #2 of dataId=vs.yaml group=istio namespace=public}. */
    public String origin() {
        return "document #" + index + " of " + config;
    }
}
