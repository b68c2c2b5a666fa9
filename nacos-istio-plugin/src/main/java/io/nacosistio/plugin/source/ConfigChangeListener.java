package io.nacosistio.plugin.source;

/**
 * Told that a config may have changed. Implementations must return quickly and never throw: they are
 * called on Nacos's own event threads. The receiver reads the config again later, so several
 * notifications for one key collapse into one read.
 */
public interface ConfigChangeListener {

    void configChanged(ConfigKey key);
}
