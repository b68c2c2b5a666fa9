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
    private volatile boolean answering = true;

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

    /**
     * Until {@link #releaseAnswers()}, streams send nothing: this node's data is not complete yet, and istiod
     * would delete whatever an answer lacks. Sets are still published and kept meanwhile.
     */
    public void holdAnswers() {
        answering = false;
    }

    /** Lets streams answer, and tells every watcher so that the waiting ones send the current sets. */
    public void releaseAnswers() {
        if (answering) {
            return;
        }
        answering = true;
        for (IstioKind kind : IstioKind.values()) {
            for (Watcher watcher : watchers) {
                watcher.changed(kind);
            }
        }
    }

    /** False while answers are held. */
    public boolean answering() {
        return answering;
    }

    /** Registers a watcher; returns a handle that removes it. */
    public Runnable watch(Watcher watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }
}
