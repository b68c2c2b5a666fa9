package io.nacosistio.plugin.source;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** One Nacos config as stored: its content, its tags and when it was first created. */
public final class ConfigItem {

    private final ConfigKey key;
    private final String content;
    private final Set<String> tags;
    private final long createdAtMillis;

    public ConfigItem(ConfigKey key, String content, Set<String> tags, long createdAtMillis) {
        this.key = Objects.requireNonNull(key, "key");
        this.content = content == null ? "" : content;
        this.tags = Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        this.createdAtMillis = createdAtMillis;
    }

    public ConfigKey key() {
        return key;
    }

    public String content() {
        return content;
    }

    public Set<String> tags() {
        return tags;
    }

    /** Creation time of the config in Nacos (0 when unknown); the same on every node of a cluster. */
    public long createdAtMillis() {
        return createdAtMillis;
    }
}
