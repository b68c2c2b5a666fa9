package io.nacosistio.plugin.document;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Splits a config's content into documents: {@code ---}-separated YAML, JSON (YAML's subset), a
 * top-level list of documents, or a Kubernetes {@code List} with {@code items}. Each document becomes a
 * JSON tree, the form protobuf's JSON parser reads.
 *
 * <p>Strict and bounded: content over the size limit, duplicate keys, alias bombs, deep nesting,
 * timestamps and other values JSON cannot carry are errors, never silently changed. A syntax error stops
 * reading at that document: what came before is still returned, and the result says it is incomplete.
 * Not thread-safe (SnakeYAML's loader is not); use one per thread.
 */
public final class DocumentReader {

    private static final int MAX_ALIASES = 20;
    private static final int MAX_NESTING = 64;

    private final int maxContentBytes;

    public DocumentReader(int maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    /** What was read: the documents, the problems, and whether a problem hid documents from view. */
    public static final class Result {
        private final List<RawDocument> documents;
        private final List<DocumentProblem> problems;
        private final boolean complete;

        Result(List<RawDocument> documents, List<DocumentProblem> problems, boolean complete) {
            this.documents = documents;
            this.problems = problems;
            this.complete = complete;
        }

        public List<RawDocument> documents() {
            return documents;
        }

        public List<DocumentProblem> problems() {
            return problems;
        }

        /**
         * False when some document could not even be identified (syntax error, oversized content, a
         * document that is not a mapping): the caller cannot tell which resources the config still
         * declares, so it must keep serving what it served before.
         */
        public boolean complete() {
            return complete;
        }
    }

    public Result read(String content) {
        List<RawDocument> documents = new ArrayList<>();
        List<DocumentProblem> problems = new ArrayList<>();
        int bytes = content.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxContentBytes) {
            problems.add(new DocumentProblem(0, null, null, "", bytes + " bytes, more than the "
                    + maxContentBytes + " allowed (nacos.mesh.config.max-content-size); nothing in it was read"));
            return new Result(documents, problems, false);
        }
        boolean complete = true;
        int position = 0;
        Iterator<Object> loaded = newYaml().loadAll(content).iterator();
        while (true) {
            Object document;
            try {
                if (!loaded.hasNext()) {
                    break;
                }
                document = loaded.next();
            } catch (RuntimeException e) {
                // SnakeYAML reports syntax errors, duplicate keys and limits as YAMLException subclasses.
                problems.add(new DocumentProblem(position + 1, null, null, "", "not valid YAML or JSON: "
                        + firstLines(e.getMessage())));
                complete = false;
                break;
            }
            if (document == null) {
                continue; // an empty document between separators, as kubectl ignores it
            }
            for (Object item : expandLists(document)) {
                position++;
                try {
                    JsonElement tree = toJson(item, "");
                    if (!tree.isJsonObject()) {
                        problems.add(new DocumentProblem(position, null, null, "", "a document must be a mapping "
                                + "with apiVersion, kind, metadata and spec, not " + describe(item)));
                        complete = false;
                        continue;
                    }
                    documents.add(new RawDocument(position, tree.getAsJsonObject()));
                } catch (UnsupportedValueException e) {
                    problems.add(new DocumentProblem(position, null, null, e.path, e.getMessage()));
                    complete = false;
                }
            }
        }
        return new Result(documents, problems, complete);
    }

    /** A top-level sequence, or a Kubernetes {@code kind: List}, holds several documents. */
    @SuppressWarnings("unchecked")
    private static List<Object> expandLists(Object document) {
        List<Object> items = new ArrayList<>();
        if (document instanceof List) {
            items.addAll((List<Object>) document);
        } else if (document instanceof Map && "List".equals(((Map<Object, Object>) document).get("kind"))
                && ((Map<Object, Object>) document).get("items") instanceof List) {
            items.addAll((List<Object>) ((Map<Object, Object>) document).get("items"));
        } else {
            items.add(document);
        }
        return items;
    }

    private static JsonElement toJson(Object value, String path) throws UnsupportedValueException {
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        if (value instanceof Map) {
            JsonObject object = new JsonObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                // Kubernetes' YAML reader turns non-string keys (numbers, booleans) into strings too.
                String key = String.valueOf(e.getKey());
                object.add(key, toJson(e.getValue(), path.isEmpty() ? key : path + "." + key));
            }
            return object;
        }
        if (value instanceof List) {
            JsonArray array = new JsonArray();
            List<?> list = (List<?>) value;
            for (int i = 0; i < list.size(); i++) {
                array.add(toJson(list.get(i), path + "[" + i + "]"));
            }
            return array;
        }
        if (value instanceof String) {
            return new JsonPrimitive((String) value);
        }
        if (value instanceof Boolean) {
            return new JsonPrimitive((Boolean) value);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new JsonPrimitive((Number) value);
        }
        if (value instanceof Double) {
            double d = (Double) value;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new UnsupportedValueException(path, d + " is not a number JSON can carry");
            }
            return new JsonPrimitive(d);
        }
        if (value instanceof byte[]) {
            return new JsonPrimitive(Base64.getEncoder().encodeToString((byte[]) value));
        }
        throw new UnsupportedValueException(path, "a YAML " + describe(value) + " has no JSON form; quote it");
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLines(String message) {
        if (message == null) {
            return "unreadable content";
        }
        String oneLine = message.replaceAll("\\s*\\n\\s*", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(Math.max(maxContentBytes, 1) + 1024);
        return new Yaml(new SafeConstructor(options), new org.yaml.snakeyaml.representer.Representer(
                new org.yaml.snakeyaml.DumperOptions()), new org.yaml.snakeyaml.DumperOptions(), options,
                new JsonCompatibleResolver());
    }

    /** YAML 1.1's implicit types minus timestamps: an unquoted date stays the string the user wrote. */
    private static final class JsonCompatibleResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    private static final class UnsupportedValueException extends Exception {
        private static final long serialVersionUID = 1L;
        final String path;

        UnsupportedValueException(String path, String message) {
            super(message);
            this.path = path;
        }
    }
}
