package io.nacosistio.plugin.source;

/**
 * Told that a service may have changed. Implementations must return quickly and never throw: they are
 * called on Nacos's own event threads. The receiver reads the service's state again later, so several
 * notifications for one key collapse into one read.
 */
public interface RegistryChangeListener {

    void serviceChanged(ServiceKey key);

    /**
     * Told that a service changed in a way Nacos raises no event for, found by comparing the catalog (a metadata
     * edit, an operator delete). Same contract as {@link #serviceChanged}, which it defaults to.
     */
    default void serviceChangedWithoutEvent(ServiceKey key) {
        serviceChanged(key);
    }
}
