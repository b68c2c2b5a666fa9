package io.nacosistio.plugin.document;

import com.google.protobuf.Message;
import io.nacosistio.plugin.resource.IstioKind;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** One document read and checked: its kind, identity, metadata and spec message. Immutable. */
public final class ParsedDocument {

    private final int index;
    private final IstioKind kind;
    private final String apiVersion;
    private final String name;
    private final String namespace;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final Message spec;

    ParsedDocument(int index, IstioKind kind, String apiVersion, String name, String namespace,
            Map<String, String> labels, Map<String, String> annotations, Message spec) {
        this.index = index;
        this.kind = kind;
        this.apiVersion = apiVersion;
        this.name = name;
        this.namespace = namespace;
        this.labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        this.annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        this.spec = spec;
    }

    /** 1-based position in the config. */
    public int index() {
        return index;
    }

    public IstioKind kind() {
        return kind;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String name() {
        return name;
    }

    /** {@code metadata.namespace}, or null when the document leaves it to the Nacos namespace. */
    public String namespace() {
        return namespace;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    public Message spec() {
        return spec;
    }
}
