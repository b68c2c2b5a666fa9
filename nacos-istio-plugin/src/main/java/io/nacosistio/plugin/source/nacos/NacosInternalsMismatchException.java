package io.nacosistio.plugin.source.nacos;

/**
 * This Nacos lacks a class, method or bean of its internals that the plugin reads (the v2 naming core, the
 * config module). Thrown once, while a source is created, never later: the message lists everything that is missing, so one log line
 * tells an operator which Nacos version or build they run the plugin in.
 */
public final class NacosInternalsMismatchException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public NacosInternalsMismatchException(String message) {
        super(message);
    }

    public NacosInternalsMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
