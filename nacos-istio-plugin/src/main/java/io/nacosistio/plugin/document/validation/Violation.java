package io.nacosistio.plugin.document.validation;

/** One rule a document breaks: the field path and why. */
public final class Violation {

    private final String path;
    private final String reason;

    Violation(String path, String reason) {
        this.path = path;
        this.reason = reason;
    }

    public String path() {
        return path;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
