package io.nacosistio.plugin.validation;

/**
 * One rule a resource breaks, as istiod would report it: the field path (e.g. {@code spec.hosts[0]}) and
 * why. Both pipelines report through this type; its text form is {@code path: reason}.
 */
public final class Violation {

    private final String path;
    private final String reason;

    public Violation(String path, String reason) {
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
