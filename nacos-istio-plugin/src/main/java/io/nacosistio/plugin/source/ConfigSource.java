package io.nacosistio.plugin.source;

import java.util.Collection;
import java.util.Optional;

/**
 * Nacos config as the plugin sees it: only the configs that may hold Istio documents (the watched group,
 * and configs carrying one of the watched tags). The only seam between Nacos's config internals and the
 * rest of the plugin.
 */
public interface ConfigSource {

    /** Starts delivering change notifications; called once, before the first {@link #allConfigs()}. */
    void start(ConfigChangeListener listener);

    /** Every config that currently holds Istio documents, in every namespace. */
    Collection<ConfigKey> allConfigs();

    /**
     * The config's current state, or empty when it no longer exists or no longer belongs to the watched
     * group or tags.
     */
    Optional<ConfigItem> read(ConfigKey key);

    /** Stops notifications. Safe to call more than once. */
    void stop();
}
