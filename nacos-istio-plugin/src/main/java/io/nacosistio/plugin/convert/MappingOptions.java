package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.resource.RevisionLabel;
import io.nacosistio.plugin.validation.DnsNameRules;
import io.nacosistio.plugin.validation.IstioProtocols;
import io.nacosistio.plugin.validation.Labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every knob of the Nacos → ServiceEntry mapping (docs/mapping.md). Immutable; build with {@link #builder()}. */
public final class MappingOptions {

    public static final String DEFAULT_HOST_TEMPLATE = "{service}.{group}.{namespace}.{domain}";

    private final String hostTemplate;
    private final String domainSuffix;
    private final boolean keepCase;
    private final String defaultProtocol;
    private final String portMetadataKey;
    private final String hostnameMetadataKey;
    private final String exportToMetadataKey;
    private final List<String> defaultExportTo;
    private final Map<String, String> namespaceMapping;
    private final boolean serveDubboConsumers;
    private final String aliasesMetadataKey;
    private final String revision;
    private final SelectionRules selection;

    private MappingOptions(Builder b) {
        this.hostTemplate = b.hostTemplate;
        this.domainSuffix = b.domainSuffix;
        this.keepCase = b.keepCase;
        this.defaultProtocol = b.defaultProtocol;
        this.portMetadataKey = b.portMetadataKey;
        this.hostnameMetadataKey = b.hostnameMetadataKey;
        this.exportToMetadataKey = b.exportToMetadataKey;
        this.defaultExportTo = Collections.unmodifiableList(new ArrayList<>(b.defaultExportTo));
        this.namespaceMapping = Collections.unmodifiableMap(new LinkedHashMap<>(b.namespaceMapping));
        this.serveDubboConsumers = b.serveDubboConsumers;
        this.aliasesMetadataKey = b.aliasesMetadataKey;
        this.revision = b.revision;
        this.selection = b.selection;
    }

    public static MappingOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Host template with {@code {service}}, {@code {group}}, {@code {namespace}} and {@code {domain}}. */
    public String hostTemplate() {
        return hostTemplate;
    }

    /** The {@code {domain}} of the host template. */
    public String domainSuffix() {
        return domainSuffix;
    }

    /** Keep the case of service, group and namespace in hosts instead of lowercasing them. */
    public boolean keepCase() {
        return keepCase;
    }

    /** Protocol for instances whose {@code protocol} metadata is missing or unknown (an Istio protocol name). */
    public String defaultProtocol() {
        return defaultProtocol;
    }

    /** Service or instance metadata key whose value fixes the service port. */
    public String portMetadataKey() {
        return portMetadataKey;
    }

    /** Service or instance metadata key whose value overrides the host. */
    public String hostnameMetadataKey() {
        return hostnameMetadataKey;
    }

    /** Service metadata key with a comma-separated exportTo list. */
    public String exportToMetadataKey() {
        return exportToMetadataKey;
    }

    /** exportTo of every ServiceEntry whose service metadata does not set one; empty = unset (visible everywhere). */
    public List<String> defaultExportTo() {
        return defaultExportTo;
    }

    /** Nacos namespace id → Istio namespace, for namespaces that should not use their sanitized id. */
    public Map<String, String> namespaceMapping() {
        return namespaceMapping;
    }

    /** Serve Dubbo's {@code consumers:} services (callers) as ServiceEntries too; they are left out otherwise. */
    public boolean serveDubboConsumers() {
        return serveDubboConsumers;
    }

    /** Service metadata key with comma-separated extra hosts of the ServiceEntry. */
    public String aliasesMetadataKey() {
        return aliasesMetadataKey;
    }

    /** The istiod revision every ServiceEntry is labelled with ({@code istio.io/rev}); empty: none. */
    public String revision() {
        return revision;
    }

    /** Which services and instances the mesh sees. */
    public SelectionRules selection() {
        return selection;
    }

    public static final class Builder {
        private String hostTemplate = DEFAULT_HOST_TEMPLATE;
        private String domainSuffix = "nacos";
        private boolean keepCase;
        private String defaultProtocol = "HTTP";
        private String portMetadataKey = "istio.port";
        private String hostnameMetadataKey = "istio.hostname";
        private String exportToMetadataKey = "istio.exportTo";
        private List<String> defaultExportTo = Collections.emptyList();
        private Map<String, String> namespaceMapping = Collections.emptyMap();
        private boolean serveDubboConsumers;
        private String aliasesMetadataKey = "istio.aliases";
        private String revision = "";
        private SelectionRules selection = SelectionRules.all();

        public Builder hostTemplate(String v) {
            this.hostTemplate = v;
            return this;
        }

        public Builder domainSuffix(String v) {
            this.domainSuffix = v;
            return this;
        }

        public Builder keepCase(boolean v) {
            this.keepCase = v;
            return this;
        }

        public Builder defaultProtocol(String v) {
            this.defaultProtocol = v;
            return this;
        }

        public Builder portMetadataKey(String v) {
            this.portMetadataKey = v;
            return this;
        }

        public Builder hostnameMetadataKey(String v) {
            this.hostnameMetadataKey = v;
            return this;
        }

        public Builder exportToMetadataKey(String v) {
            this.exportToMetadataKey = v;
            return this;
        }

        public Builder defaultExportTo(List<String> v) {
            this.defaultExportTo = v;
            return this;
        }

        public Builder namespaceMapping(Map<String, String> v) {
            this.namespaceMapping = v;
            return this;
        }

        public Builder serveDubboConsumers(boolean v) {
            this.serveDubboConsumers = v;
            return this;
        }

        public Builder aliasesMetadataKey(String v) {
            this.aliasesMetadataKey = v;
            return this;
        }

        public Builder selection(SelectionRules v) {
            this.selection = v;
            return this;
        }

        public Builder revision(String v) {
            this.revision = v;
            return this;
        }

        public MappingOptions build() {
            if (!revision.isEmpty() && !Labels.isValidKubernetesLabel(RevisionLabel.KEY, revision)) {
                throw new IllegalArgumentException("revision '" + revision + "' is not a valid label value "
                        + "(up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
            }
            if (!hostTemplate.contains("{service}")) {
                throw new IllegalArgumentException("host template must contain {service}: " + hostTemplate);
            }
            if (!IstioProtocols.isIstioProtocol(defaultProtocol)) {
                throw new IllegalArgumentException("default protocol must be an Istio protocol, got " + defaultProtocol);
            }
            for (Map.Entry<String, String> e : namespaceMapping.entrySet()) {
                if (!DnsNameRules.isLabel(e.getValue()) || !e.getValue().equals(e.getValue().toLowerCase())) {
                    throw new IllegalArgumentException("namespace mapping " + e.getKey() + "=" + e.getValue()
                            + ": the Istio namespace must be a lowercase DNS-1123 label");
                }
            }
            return new MappingOptions(this);
        }
    }
}
