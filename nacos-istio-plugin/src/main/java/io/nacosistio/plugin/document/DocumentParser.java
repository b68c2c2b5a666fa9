package io.nacosistio.plugin.document;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.validation.DnsNameRules;
import io.nacosistio.plugin.validation.DocumentValidator;
import io.nacosistio.plugin.validation.Labels;
import io.nacosistio.plugin.validation.Violation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one raw document into a {@link ParsedDocument}, the way {@code kubectl apply} and istiod's
 * validation would take it: the kind and apiVersion must be one istiod subscribes to, metadata must
 * follow Kubernetes' rules, the spec must read strictly into the kind's message and pass Istio's
 * validation. Every problem found is reported, not just the first. Stateless and thread-safe.
 */
public final class DocumentParser {

    private static final Set<String> TOP_LEVEL = new HashSet<>(Arrays.asList(
            "apiVersion", "kind", "metadata", "spec", "status"));
    private static final Set<String> METADATA = new HashSet<>(Arrays.asList(
            "name", "namespace", "labels", "annotations"));
    /** Fields the Kubernetes API server fills in; present when a document is copied from kubectl get. */
    private static final Set<String> SERVER_SET_METADATA = new HashSet<>(Arrays.asList(
            "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
            "ownerReferences", "finalizers", "deletionTimestamp", "deletionGracePeriodSeconds"));
    private static final int MAX_ANNOTATION_BYTES = 256 * 1024;

    private final DocumentValidator validator = new DocumentValidator();

    /** The outcome for one document: parsed, or refused with its problems (and whatever identity was read). */
    public static final class Outcome {
        private final ParsedDocument document;
        private final List<DocumentProblem> problems;
        private final IstioKind kind;
        private final String name;
        private final String namespace;

        Outcome(ParsedDocument document, List<DocumentProblem> problems, IstioKind kind, String name,
                String namespace) {
            this.document = document;
            this.problems = problems;
            this.kind = kind;
            this.name = name;
            this.namespace = namespace;
        }

        public boolean accepted() {
            return document != null;
        }

        public ParsedDocument document() {
            return document;
        }

        public List<DocumentProblem> problems() {
            return problems;
        }

        /** True when kind and name could be read, so a refused document still names the resource it meant. */
        public boolean identified() {
            return kind != null && name != null;
        }

        public IstioKind kind() {
            return kind;
        }

        public String name() {
            return name;
        }

        /** {@code metadata.namespace} as written, or null. */
        public String namespace() {
            return namespace;
        }
    }

    public Outcome parse(RawDocument raw) {
        JsonObject tree = raw.tree();
        List<Violation> errors = new ArrayList<>();
        for (String key : tree.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                errors.add(new Violation(key, "unknown top-level field (a document has apiVersion, kind, metadata "
                        + "and spec)"));
            }
        }
        String apiVersion = stringField(tree, "apiVersion", "", errors);
        String kindName = stringField(tree, "kind", "", errors);
        IstioKind kind = null;
        if (apiVersion != null && kindName != null) {
            kind = kindOf(apiVersion, kindName, errors);
        }
        String name = null;
        String namespace = null;
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonElement metadata = tree.get("metadata");
        if (metadata == null || !metadata.isJsonObject()) {
            errors.add(new Violation("metadata", metadata == null ? "required (with at least a name)"
                    : "expected a mapping, got " + SpecReader.describe(metadata)));
        } else {
            JsonObject meta = metadata.getAsJsonObject();
            for (String key : meta.keySet()) {
                if (!METADATA.contains(key) && !SERVER_SET_METADATA.contains(key)) {
                    errors.add(new Violation("metadata." + key, "unknown field (metadata has name, namespace, "
                            + "labels and annotations)"));
                }
            }
            name = stringField(meta, "name", "metadata.", errors);
            if (name == null && !meta.has("name")) {
                errors.add(new Violation("metadata.name", "required"));
            } else if (name != null && !DnsNameRules.isLowerSubdomain(name)) {
                errors.add(new Violation("metadata.name", "'" + name + "' is not a valid name (lowercase letters, "
                        + "digits, '-' and '.', starting and ending with a letter or digit, at most 253)"));
            }
            if (meta.has("namespace") && !meta.get("namespace").isJsonNull()) {
                namespace = stringField(meta, "namespace", "metadata.", errors);
                if (namespace != null && !DnsNameRules.isLowerLabel(namespace)) {
                    errors.add(new Violation("metadata.namespace", "'" + namespace + "' is not a valid namespace "
                            + "(lowercase letters, digits and '-', at most 63)"));
                }
            }
            readStringMap(meta, "labels", labels, errors);
            readStringMap(meta, "annotations", annotations, errors);
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!Labels.isValidKubernetesLabel(label.getKey(), label.getValue())) {
                    errors.add(new Violation("metadata.labels['" + label.getKey() + "']",
                            "'" + label.getKey() + ": " + label.getValue() + "' is not a valid label"));
                }
            }
            int annotationBytes = 0;
            for (Map.Entry<String, String> a : annotations.entrySet()) {
                annotationBytes += a.getKey().getBytes(StandardCharsets.UTF_8).length
                        + a.getValue().getBytes(StandardCharsets.UTF_8).length;
                if (!Labels.isValidKey(a.getKey())) {
                    errors.add(new Violation("metadata.annotations['" + a.getKey() + "']", "not a valid key"));
                }
            }
            if (annotationBytes > MAX_ANNOTATION_BYTES) {
                errors.add(new Violation("metadata.annotations", "total size " + annotationBytes
                        + " bytes exceeds 262144"));
            }
        }
        Message spec = null;
        JsonElement specTree = tree.get("spec");
        if (specTree == null || specTree.isJsonNull()) {
            errors.add(new Violation("spec", "required"));
        } else if (!specTree.isJsonObject()) {
            errors.add(new Violation("spec", "expected a mapping, got " + SpecReader.describe(specTree)));
        } else if (kind != null) {
            Message.Builder builder = SpecTypes.newBuilder(kind);
            List<Violation> specErrors = SpecReader.read(specTree.getAsJsonObject(), builder, "spec");
            errors.addAll(specErrors);
            if (specErrors.isEmpty()) {
                spec = builder.build();
            }
        }
        String displayName = name == null ? null : namespace == null ? name : namespace + "/" + name;
        String displayKind = kind != null ? kind.kindName() : kindName;
        if (errors.isEmpty() && spec != null) {
            errors.addAll(validator.validate(kind, name, labels, annotations, spec));
        }
        if (!errors.isEmpty()) {
            List<DocumentProblem> problems = new ArrayList<>();
            for (Violation e : errors) {
                problems.add(new DocumentProblem(raw.index(), displayKind, displayName, e.path(), e.reason()));
            }
            return new Outcome(null, problems, kind, name, namespace);
        }
        ParsedDocument document = new ParsedDocument(raw.index(), kind, apiVersion, name, namespace, labels,
                annotations, spec);
        return new Outcome(document, new ArrayList<DocumentProblem>(), kind, name, namespace);
    }

    private static IstioKind kindOf(String apiVersion, String kindName, List<Violation> errors) {
        IstioKind kind = IstioKind.forApiVersionAndKind(apiVersion, kindName).orElse(null);
        if (kind != null && SpecTypes.isDocumentKind(kind)) {
            return kind;
        }
        for (IstioKind candidate : SpecTypes.documentKinds()) {
            if (candidate.kindName().equals(kindName)) {
                List<String> versions = new ArrayList<>();
                for (String v : candidate.versions()) {
                    versions.add(candidate.group() + "/" + v);
                }
                errors.add(new Violation("apiVersion", "'" + apiVersion + "' is not an apiVersion of " + kindName
                        + "; use one of " + String.join(", ", versions)));
                return null;
            }
        }
        Set<String> known = new TreeSet<>();
        for (IstioKind candidate : SpecTypes.documentKinds()) {
            known.add(candidate.kindName());
        }
        errors.add(new Violation("kind", "'" + kindName + "' (" + apiVersion + ") is not a kind the config center "
                + "serves; known kinds: " + String.join(", ", known)));
        return null;
    }

    private static String stringField(JsonObject object, String key, String prefix, List<Violation> errors) {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            if (prefix.isEmpty()) {
                errors.add(new Violation(key, "required"));
            }
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString() || value.getAsString().isEmpty()) {
            errors.add(new Violation(prefix + key, "expected a non-empty string, got " + SpecReader.describe(value)));
            return null;
        }
        return value.getAsString();
    }

    private static void readStringMap(JsonObject meta, String key, Map<String, String> into, List<Violation> errors) {
        JsonElement value = meta.get(key);
        if (value == null || value.isJsonNull()) {
            return;
        }
        if (!value.isJsonObject()) {
            errors.add(new Violation("metadata." + key, "expected a mapping, got " + SpecReader.describe(value)));
            return;
        }
        for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                errors.add(new Violation("metadata." + key + "['" + e.getKey() + "']", "expected a string, got "
                        + SpecReader.describe(v) + "; quote the value"));
                continue;
            }
            into.put(e.getKey(), v.getAsString());
        }
    }
}
