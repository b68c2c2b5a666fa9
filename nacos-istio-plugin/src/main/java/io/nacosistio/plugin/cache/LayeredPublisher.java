package io.nacosistio.plugin.cache;

import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.resource.Sha256;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Combines what several sources publish for one kind into the single set the cache serves. A resource
 * of a later layer replaces the resource of the same name from an earlier one: an operator's explicit
 * ServiceEntry in the config center beats the one derived from the registry. Every replaced name is
 * remembered for the debug view.
 *
 * <p>When only one layer has resources, its set is served as it is (same version), so a registry with
 * no config-center ServiceEntries pays nothing. Thread-safe: sources publish from their own threads.
 */
public final class LayeredPublisher {

    /** The sources, in ascending precedence. */
    public enum Layer {
        REGISTRY, CONFIG_CENTER
    }

    private final SetPublisher target;
    private final Map<IstioKind, EnumMap<Layer, ResourceSet>> contributions = new EnumMap<>(IstioKind.class);
    private final Map<IstioKind, List<String>> shadowed = new EnumMap<>(IstioKind.class);

    public LayeredPublisher(SetPublisher target) {
        this.target = target;
    }

    /** The publisher one source uses. */
    public SetPublisher layer(Layer layer) {
        return set -> publish(layer, set);
    }

    /** Names, per kind, of resources a later layer currently replaces. */
    public synchronized Map<IstioKind, List<String>> shadowed() {
        Map<IstioKind, List<String>> copy = new EnumMap<>(IstioKind.class);
        for (Map.Entry<IstioKind, List<String>> e : shadowed.entrySet()) {
            copy.put(e.getKey(), Collections.unmodifiableList(new ArrayList<>(e.getValue())));
        }
        return copy;
    }

    synchronized void publish(Layer layer, ResourceSet set) {
        EnumMap<Layer, ResourceSet> byLayer = contributions.computeIfAbsent(set.kind(), k -> new EnumMap<>(Layer.class));
        byLayer.put(layer, set);
        target.publish(merge(set.kind(), byLayer));
    }

    private ResourceSet merge(IstioKind kind, EnumMap<Layer, ResourceSet> byLayer) {
        List<ResourceSet> nonEmpty = new ArrayList<>();
        for (ResourceSet s : byLayer.values()) {
            if (!s.resources().isEmpty()) {
                nonEmpty.add(s);
            }
        }
        shadowed.remove(kind);
        if (nonEmpty.isEmpty()) {
            return ResourceSet.empty(kind);
        }
        if (nonEmpty.size() == 1) {
            return nonEmpty.get(0);
        }
        TreeMap<String, McpResource> byName = new TreeMap<>();
        List<String> replaced = new ArrayList<>();
        MessageDigest digest = Sha256.newDigest();
        for (ResourceSet s : nonEmpty) {
            for (McpResource r : s.resources()) {
                if (byName.put(r.name(), r) != null) {
                    replaced.add(r.name());
                }
            }
            digest.update(s.version().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        if (!replaced.isEmpty()) {
            Collections.sort(replaced);
            shadowed.put(kind, replaced);
        }
        return new ResourceSet(kind, Sha256.prefix(digest.digest(), 16), new ArrayList<>(byName.values()));
    }
}
