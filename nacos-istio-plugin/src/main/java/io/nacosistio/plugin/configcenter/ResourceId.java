package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.resource.IstioKind;

import java.util.Objects;

/** What istiod keys a config by: the kind and {@code namespace/name}. */
public final class ResourceId {

    private final IstioKind kind;
    private final String name;

    ResourceId(IstioKind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    public IstioKind kind() {
        return kind;
    }

    /** {@code namespace/name}. */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceId && ((ResourceId) o).kind == kind && ((ResourceId) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name);
    }

    @Override
    public String toString() {
        return kind.kindName() + " " + name;
    }
}
