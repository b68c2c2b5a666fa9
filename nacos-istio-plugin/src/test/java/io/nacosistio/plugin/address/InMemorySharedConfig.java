package io.nacosistio.plugin.address;

import io.nacosistio.plugin.source.SharedConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * A shared config with Nacos's compare-and-set semantics, shared by several address books ("nodes"); like
 * Nacos, every stored write is announced to every watcher.
 */
public final class InMemorySharedConfig implements SharedConfig {

    private String content;
    private final List<String> stored = new java.util.ArrayList<>();
    public int writes;
    public RuntimeException failNextWrites;
    /** Runs just before a write is applied: lets a test slip in another node's write. */
    Runnable beforeWrite;
    private final List<Runnable> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized Optional<Stored> read() {
        return content == null ? Optional.empty() : Optional.of(new Stored(content, md5(content)));
    }

    @Override
    public boolean replace(String expectedMd5, String newContent) {
        Runnable hook = beforeWrite;
        beforeWrite = null;
        if (hook != null) {
            hook.run();
        }
        synchronized (this) {
            if (failNextWrites != null) {
                throw failNextWrites;
            }
            String current = content == null ? null : md5(content);
            if (expectedMd5 == null ? current != null : !expectedMd5.equals(current)) {
                return false;
            }
            content = newContent;
            stored.add(newContent);
            writes++;
        }
        watchers.forEach(Runnable::run);
        return true;
    }

    public synchronized void overwrite(String newContent) {
        content = newContent;
    }

    public synchronized String content() {
        return content;
    }

    /** Every content a write stored, oldest first. */
    public synchronized List<String> history() {
        return new java.util.ArrayList<>(stored);
    }

    @Override
    public void watch(Runnable changed) {
        watchers.add(changed);
    }

    @Override
    public void stop() {
    }

    @Override
    public String describe() {
        return "in-memory table";
    }

    static String md5(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            for (byte b : d) {
                out.append(String.format("%02x", b));
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
