package io.nacosistio.plugin.cache;

import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The complete state of one kind at one moment, as sent in one state-of-the-world response. Immutable;
 * the version changes whenever any resource is added, removed or changed.
 */
public final class ResourceSet {

    private final IstioKind kind;
    private final String version;
    private final List<McpResource> resources;

    public ResourceSet(IstioKind kind, String version, List<McpResource> resources) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.version = Objects.requireNonNull(version, "version");
        this.resources = Collections.unmodifiableList(new ArrayList<>(resources));
    }

    public static ResourceSet empty(IstioKind kind) {
        return new ResourceSet(kind, "0", Collections.<McpResource>emptyList());
    }

    public IstioKind kind() {
        return kind;
    }

    public String version() {
        return version;
    }

    public List<McpResource> resources() {
        return resources;
    }

    @Override
    public String toString() {
        return kind + "@" + version + "(" + resources.size() + " resources)";
    }
}
