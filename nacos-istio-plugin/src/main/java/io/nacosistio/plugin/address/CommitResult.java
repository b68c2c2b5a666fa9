package io.nacosistio.plugin.address;

import io.nacosistio.plugin.source.ServiceKey;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an {@link AddressBook#commit()} or {@link AddressBook#reload()} changed: the services whose
 * assignment is no longer what {@link AddressBook#assign} last returned (their ServiceEntries must be
 * rebuilt before publishing), and those left without an address because the table could not be written
 * (to be tried again shortly). Immutable.
 */
public final class CommitResult {

    static final CommitResult NOTHING = new CommitResult(new TreeSet<ServiceKey>(), new TreeSet<ServiceKey>());

    private final Set<ServiceKey> changed;
    private final Set<ServiceKey> retry;

    CommitResult(Set<ServiceKey> changed, Set<ServiceKey> retry) {
        this.changed = Collections.unmodifiableSet(changed);
        this.retry = Collections.unmodifiableSet(retry);
    }

    public Set<ServiceKey> changed() {
        return changed;
    }

    public Set<ServiceKey> retry() {
        return retry;
    }

    CommitResult plusChanged(Set<ServiceKey> more) {
        if (more.isEmpty()) {
            return this;
        }
        Set<ServiceKey> all = new TreeSet<>(changed);
        all.addAll(more);
        return new CommitResult(all, new TreeSet<>(retry));
    }
}
