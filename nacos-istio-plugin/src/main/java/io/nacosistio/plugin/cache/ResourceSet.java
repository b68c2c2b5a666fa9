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

    /** A set whose version is a hash of its resources' names and versions (in the given order). */
    public static ResourceSet versioned(IstioKind kind, List<McpResource> resources) {
        if (resources.isEmpty()) {
            return empty(kind);
        }
        java.security.MessageDigest digest = io.nacosistio.plugin.resource.Sha256.newDigest();
        for (McpResource r : resources) {
            digest.update(r.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(r.version().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return new ResourceSet(kind, io.nacosistio.plugin.resource.Sha256.prefix(digest.digest(), 16), resources);
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
