package io.nacosistio.plugin.source;

import java.util.Objects;
import java.util.Optional;

/**
 * One config kept in Nacos config for the plugin's own state: the same content on every node of a
 * cluster, replaced only by compare-and-set on its content MD5.
 *
 * <p>Threading: {@link #read} and {@link #replace} are safe from any thread; the watch callback runs on
 * Nacos's event thread and must only hand the work on.
 */
public interface SharedConfig {

    /** The stored content and its MD5 (as Nacos computes it), or empty when the config does not exist. */
    Optional<Stored> read();

    /**
     * Stores {@code content} if the config's MD5 is still {@code expectedMd5} ({@code null}: if it does not
     * exist yet).
     *
     * @return false when another writer changed it first
     * @throws IllegalStateException when Nacos refused or failed the write for another reason
     */
    boolean replace(String expectedMd5, String content);

    /** Calls {@code changed} after the config changed on this node (by any writer, on any node). */
    void watch(Runnable changed);

    /** Stops the watch. Safe to call more than once. */
    void stop();

    /** Where it lives, for messages: namespace, group and dataId. */
    String describe();

    /** A stored content and its MD5. Immutable. */
    final class Stored {
        private final String content;
        private final String md5;

        public Stored(String content, String md5) {
            this.content = Objects.requireNonNull(content);
            this.md5 = Objects.requireNonNull(md5);
        }

        public String content() {
            return content;
        }

        public String md5() {
            return md5;
        }
    }
}
