package io.nacosistio.plugin.source;

import java.util.Collection;
import java.util.Optional;

/**
 * The service registry as the plugin sees it. The only seam between Nacos's naming internals and the
 * rest of the plugin: the index, the mapper and the server never touch a Nacos class.
 */
public interface RegistrySource {

    /** Starts delivering change notifications; called once, before the first {@link #allServices()}. */
    void start(RegistryChangeListener listener);

    /** Every service currently known, in every namespace. */
    Collection<ServiceKey> allServices();

    /** The service's current state, or empty when it no longer exists. */
    Optional<RegistryService> read(ServiceKey key);

    /** Stops notifications. Safe to call more than once. */
    void stop();
}
