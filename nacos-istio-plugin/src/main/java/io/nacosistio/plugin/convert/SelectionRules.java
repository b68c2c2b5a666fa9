package io.nacosistio.plugin.convert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which Nacos services the mesh sees (docs/mapping.md, Selection): include/exclude glob patterns over
 * namespace ids (the default namespace is {@code public}), groups and service names, and the metadata
 * opt-out/opt-in. Immutable; build with {@link #builder()}.
 */
public final class SelectionRules {

    /** The property prefix the rules are read from, named in every "not selected" reason. */
    static final String PROPERTY_PREFIX = "nacos.mesh.selector.";

    final List<Glob> includeNamespaces;
    final List<Glob> excludeNamespaces;
    final List<Glob> includeGroups;
    final List<Glob> excludeGroups;
    final List<Glob> includeServices;
    final List<Glob> excludeServices;
    final String metadataKey;
    final boolean optIn;

    private SelectionRules(Builder b) {
        includeNamespaces = globs(b.includeNamespaces);
        excludeNamespaces = globs(b.excludeNamespaces);
        includeGroups = globs(b.includeGroups);
        excludeGroups = globs(b.excludeGroups);
        includeServices = globs(b.includeServices);
        excludeServices = globs(b.excludeServices);
        metadataKey = b.metadataKey;
        optIn = b.optIn;
    }

    /** Everything selected, opt-out by {@code istio.mesh=false}. */
    public static SelectionRules all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Service or instance metadata key whose {@code true}/{@code false} opts in or out. */
    public String metadataKey() {
        return metadataKey;
    }

    /** Whether only services that opt in ({@code <metadataKey>=true}) are selected. */
    public boolean optIn() {
        return optIn;
    }

    private static List<Glob> globs(List<String> patterns) {
        List<Glob> list = new ArrayList<>();
        for (String p : patterns) {
            list.add(new Glob(p));
        }
        return Collections.unmodifiableList(list);
    }

    public static final class Builder {
        private List<String> includeNamespaces = Collections.emptyList();
        private List<String> excludeNamespaces = Collections.emptyList();
        private List<String> includeGroups = Collections.emptyList();
        private List<String> excludeGroups = Collections.emptyList();
        private List<String> includeServices = Collections.emptyList();
        private List<String> excludeServices = Collections.emptyList();
        private String metadataKey = "istio.mesh";
        private boolean optIn;

        /** Only namespaces matching one of these are selected; empty: every namespace. */
        public Builder includeNamespaces(List<String> v) {
            includeNamespaces = v;
            return this;
        }

        public Builder excludeNamespaces(List<String> v) {
            excludeNamespaces = v;
            return this;
        }

        public Builder includeGroups(List<String> v) {
            includeGroups = v;
            return this;
        }

        public Builder excludeGroups(List<String> v) {
            excludeGroups = v;
            return this;
        }

        public Builder includeServices(List<String> v) {
            includeServices = v;
            return this;
        }

        public Builder excludeServices(List<String> v) {
            excludeServices = v;
            return this;
        }

        public Builder metadataKey(String v) {
            metadataKey = v;
            return this;
        }

        public Builder optIn(boolean v) {
            optIn = v;
            return this;
        }

        public SelectionRules build() {
            if (metadataKey == null || metadataKey.trim().isEmpty()) {
                throw new IllegalArgumentException("the selection metadata key must not be empty");
            }
            return new SelectionRules(this);
        }
    }
}
