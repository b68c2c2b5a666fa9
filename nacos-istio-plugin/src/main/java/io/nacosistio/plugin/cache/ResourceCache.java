package io.nacosistio.plugin.cache;

import io.nacosistio.plugin.resource.IstioKind;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The latest {@link ResourceSet} of every kind, and the watchers told when one changes. Knows nothing of
 * Nacos or gRPC. Thread-safe: sources publish from their own threads; readers always see a complete set.
 */
public final class ResourceCache implements SetPublisher {

    /** Told that a kind has a new set; must return quickly (it runs on the publisher's thread). */
    public interface Watcher {
        void changed(IstioKind kind);
    }

    private final Map<IstioKind, AtomicReference<ResourceSet>> sets = new EnumMap<>(IstioKind.class);
    private final CopyOnWriteArrayList<Watcher> watchers = new CopyOnWriteArrayList<>();

    public ResourceCache() {
        for (IstioKind kind : IstioKind.values()) {
            sets.put(kind, new AtomicReference<>(ResourceSet.empty(kind)));
        }
    }

    public ResourceSet current(IstioKind kind) {
        return sets.get(kind).get();
    }

    /** Replaces the kind's set and tells every watcher. A set with the current version is ignored. */
    @Override
    public void publish(ResourceSet set) {
        ResourceSet previous = sets.get(set.kind()).getAndSet(set);
        if (previous.version().equals(set.version())) {
            return;
        }
        for (Watcher watcher : watchers) {
            watcher.changed(set.kind());
        }
    }

    /** Registers a watcher; returns a handle that removes it. */
    public Runnable watch(Watcher watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }
}
