package io.nacosistio.plugin.document;

/**
 * Why one document of a config was refused: where it is (its position in the config, and its kind and
 * name when they could be read), the field path and a reason a person can act on.
 */
public final class DocumentProblem {

    private final int documentIndex;
    private final String kind;
    private final String name;
    private final String field;
    private final String reason;

    public DocumentProblem(int documentIndex, String kind, String name, String field, String reason) {
        this.documentIndex = documentIndex;
        this.kind = kind;
        this.name = name;
        this.field = field == null ? "" : field;
        this.reason = reason;
    }

    /** 1-based position of the document in its config (0 when the problem concerns the whole config). */
    public int documentIndex() {
        return documentIndex;
    }

    /** The document's kind, or null when it could not be read. */
    public String kind() {
        return kind;
    }

    /** {@code namespace/name} or {@code name}, or null when it could not be read. */
    public String name() {
        return name;
    }

    /** Path of the offending field, e.g. {@code spec.http[0].route[0].destination.host}; may be empty. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** e.g. {@code document #2 (VirtualService shop/reviews): spec.http[0].timeout: must be positive}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(documentIndex == 0 ? "content" : "document #" + documentIndex);
        if (kind != null || name != null) {
            s.append(" (").append(kind == null ? "?" : kind);
            if (name != null) {
                s.append(' ').append(name);
            }
            s.append(')');
        }
        s.append(": ");
        if (!field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(reason).toString();
    }
}
