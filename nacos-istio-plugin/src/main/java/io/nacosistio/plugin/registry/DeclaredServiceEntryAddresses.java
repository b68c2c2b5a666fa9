package io.nacosistio.plugin.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nacosistio.plugin.address.DeclaredAddresses;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.proto.istio.mcp.v1alpha1.Resource;
import io.nacosistio.proto.istio.networking.v1alpha3.ServiceEntry;

/** Reads what a set of ServiceEntries (the config center's) declares in {@code spec.addresses}. */
public final class DeclaredServiceEntryAddresses {

    private DeclaredServiceEntryAddresses() {
    }

    /** The declarations of every ServiceEntry of {@code set}; an entry whose body cannot be read declares nothing. */
    public static DeclaredAddresses of(ResourceSet set) {
        DeclaredAddresses.Builder builder = DeclaredAddresses.builder();
        for (McpResource r : set.resources()) {
            try {
                Resource resource = Resource.parseFrom(r.packed().getValue());
                ServiceEntry entry = ServiceEntry.parseFrom(resource.getBody().getValue());
                if (entry.getAddressesCount() > 0) {
                    builder.add(r.name(), entry.getHostsList(), entry.getAddressesList());
                }
            } catch (InvalidProtocolBufferException e) {
                // Built by the plugin from a validated document: cannot happen; such an entry declares nothing.
            }
        }
        return builder.build();
    }
}
