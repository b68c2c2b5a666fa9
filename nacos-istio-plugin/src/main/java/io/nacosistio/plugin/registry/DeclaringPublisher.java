package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.DeclaredAddresses;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.cache.SetPublisher;

/**
 * Publishes the config center's ServiceEntries without ever serving an address twice: registry VIPs that the
 * new set declares are withdrawn (and published) before the set goes out, and those it no longer declares are
 * given back only after it has gone out.
 *
 * <p>Threading: called by the config-center thread only; it waits for the index thread, never the reverse.
 */
public final class DeclaringPublisher implements SetPublisher {

    private final SetPublisher target;
    private final RegistryUpdater registry;
    private DeclaredAddresses current = DeclaredAddresses.none();

    public DeclaringPublisher(SetPublisher target, RegistryUpdater registry) {
        this.target = target;
        this.registry = registry;
    }

    @Override
    public void publish(ResourceSet set) {
        DeclaredAddresses next = DeclaredServiceEntryAddresses.of(set);
        try {
            registry.declaredAddressesChanged(DeclaredAddresses.union(current, next));
            target.publish(set);
            registry.declaredAddressesChanged(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            target.publish(set);
        }
        current = next;
    }
}
