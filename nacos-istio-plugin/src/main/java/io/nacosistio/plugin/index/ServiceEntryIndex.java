package io.nacosistio.plugin.index;

import com.google.protobuf.Timestamp;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.resource.Sha256;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The registry-derived ServiceEntries, kept per Nacos namespace, and the services that could not be
 * served. Each namespace keeps an immutable sorted list of its resources that is rebuilt only when that
 * namespace changes, so one change costs one conversion and one serialization, not a pass over the mesh.
 *
 * <p>Threading: confined to the index updater thread; {@link #view()} hands out immutable copies.
 */
public final class ServiceEntryIndex {

    /** A converted service and, when accepted, its wire-ready resource. */
    private static final class Entry {
        final ConvertedService converted;
        final McpResource resource;

        Entry(ConvertedService converted, McpResource resource) {
            this.converted = converted;
            this.resource = resource;
        }
    }

    private final ServiceConverter converter;
    private final LongSupplier wallClockMillis;
    private final Map<ServiceKey, Entry> entries = new HashMap<>();
    private final Map<ServiceKey, Timestamp> createTimes = new HashMap<>();
    /** Every service claiming a resource name; the smallest key wins, the others are reported. */
    private final Map<String, TreeSet<ServiceKey>> claims = new HashMap<>();
    private final Map<String, ServiceKey> winners = new HashMap<>();
    private final Map<ServiceKey, SkippedService> skipped = new TreeMap<>();
    /** Served resources per Nacos namespace, sorted by resource name. */
    private final Map<String, TreeMap<String, McpResource>> servedByNamespace = new TreeMap<>();
    private final Map<String, List<McpResource>> namespaceSnapshots = new HashMap<>();
    private ResourceSet snapshot = ResourceSet.empty(IstioKind.SERVICE_ENTRY);
    private boolean dirty;
    /**
     * The set's version: the sum, modulo 2^128, of a SHA-256 prefix of every served resource's name and
     * version. Kept up to date as resources are served and unserved, so a change costs one small hash
     * instead of a hash over the whole mesh; the same served set always has the same version.
     */
    private long versionHigh;
    private long versionLow;

    public ServiceEntryIndex(ServiceConverter converter, LongSupplier wallClockMillis) {
        this.converter = converter;
        this.wallClockMillis = wallClockMillis;
    }

    /**
     * Brings one service up to date: {@code state} empty means the service no longer exists.
     *
     * @return what happened, for logging and metrics
     */
    public Outcome apply(ServiceKey key, Optional<RegistryService> state) {
        Entry previous = entries.get(key);
        if (!state.isPresent()) {
            if (previous == null) {
                skipped.remove(key);
                return Outcome.UNCHANGED;
            }
            removeEntry(key, previous);
            createTimes.remove(key);
            skipped.remove(key);
            return Outcome.REMOVED;
        }
        ConvertedService converted = convertSafely(state.get());
        if (converted.isNotSelected()) {
            // Leaving the selection is like being deleted: a later return gets a new create time.
            if (previous != null) {
                removeEntry(key, previous);
            }
            createTimes.remove(key);
            boolean sameRule = skipped.containsKey(key) && skipped.get(key).reasons().equals(converted.rejections());
            if (!sameRule) {
                skipped.put(key, new SkippedService(key, converted.rejections(), wallClockMillis.getAsLong()));
            }
            return previous != null ? Outcome.REMOVED : sameRule ? Outcome.UNCHANGED : Outcome.NOT_SELECTED;
        }
        if (!converted.isAccepted()) {
            if (previous != null) {
                removeEntry(key, previous);
            }
            boolean sameReasons = skipped.containsKey(key) && skipped.get(key).reasons().equals(converted.rejections());
            if (!sameReasons) {
                skipped.put(key, new SkippedService(key, converted.rejections(), wallClockMillis.getAsLong()));
            }
            return sameReasons ? Outcome.STILL_REJECTED : Outcome.REJECTED;
        }
        if (previous != null && previous.resource != null
                && previous.resource.version().equals(converted.version())
                && previous.converted.resourceName().equals(converted.resourceName())) {
            return Outcome.UNCHANGED;
        }
        if (previous != null) {
            removeEntry(key, previous);
        }
        Timestamp created = createTimes.get(key);
        if (created == null) {
            long now = wallClockMillis.getAsLong();
            created = Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000).build();
            createTimes.put(key, created);
        }
        McpResource resource = McpResource.of(IstioKind.SERVICE_ENTRY, converted.resourceName(), converted.version(),
                created, converted.labels(), converted.annotations(), converted.body());
        entries.put(key, new Entry(converted, resource));
        claim(key, resource);
        return previous == null ? Outcome.ADDED : Outcome.UPDATED;
    }

    /** The full set of served ServiceEntries; a new version whenever anything served changed. */
    public ResourceSet snapshot() {
        if (dirty) {
            List<McpResource> all = new ArrayList<>();
            for (Map.Entry<String, TreeMap<String, McpResource>> ns : servedByNamespace.entrySet()) {
                List<McpResource> list = namespaceSnapshots.get(ns.getKey());
                if (list == null) {
                    list = Collections.unmodifiableList(new ArrayList<>(ns.getValue().values()));
                    namespaceSnapshots.put(ns.getKey(), list);
                }
                all.addAll(list);
            }
            snapshot = new ResourceSet(IstioKind.SERVICE_ENTRY, setVersion(), all);
            dirty = false;
        }
        return snapshot;
    }

    /** Every service key the index holds, served or skipped (for reconciliation against the registry). */
    public List<ServiceKey> knownKeys() {
        TreeSet<ServiceKey> keys = new TreeSet<>(entries.keySet());
        keys.addAll(skipped.keySet());
        return new ArrayList<>(keys);
    }

    /** Why a service is not served; empty when it is served or unknown. */
    public List<String> skipReasons(ServiceKey key) {
        SkippedService s = skipped.get(key);
        return s == null ? Collections.<String>emptyList() : s.reasons();
    }

    /** An immutable picture for the debug view and metrics. */
    public IndexView view() {
        Map<String, Integer> servedPerNamespace = new TreeMap<>();
        for (Map.Entry<String, TreeMap<String, McpResource>> ns : servedByNamespace.entrySet()) {
            servedPerNamespace.put(ns.getKey(), ns.getValue().size());
        }
        return new IndexView(snapshot(), servedPerNamespace, new ArrayList<>(skipped.values()));
    }

    private ConvertedService convertSafely(RegistryService service) {
        try {
            return converter.convert(service);
        } catch (RuntimeException e) {
            // The converter promises not to throw; if it does, this service alone is skipped.
            return ConvertedService.rejected(Collections.singletonList("conversion failed: " + e));
        }
    }

    private void claim(ServiceKey key, McpResource resource) {
        String name = resource.name();
        TreeSet<ServiceKey> claimants = claims.computeIfAbsent(name, n -> new TreeSet<>());
        claimants.add(key);
        ServiceKey winner = claimants.first();
        ServiceKey previousWinner = winners.get(name);
        if (!winner.equals(key)) {
            skipped.put(key, collision(name, winner, key));
            return;
        }
        if (previousWinner != null && !previousWinner.equals(key)) {
            unserve(previousWinner, name);
            skipped.put(previousWinner, collision(name, key, previousWinner));
        }
        skipped.remove(key);
        winners.put(name, key);
        serve(key, resource);
    }

    private void removeEntry(ServiceKey key, Entry entry) {
        entries.remove(key);
        if (entry.resource == null) {
            return;
        }
        String name = entry.resource.name();
        TreeSet<ServiceKey> claimants = claims.get(name);
        claimants.remove(key);
        if (!key.equals(winners.get(name))) {
            return;
        }
        unserve(key, name);
        winners.remove(name);
        if (claimants.isEmpty()) {
            claims.remove(name);
            return;
        }
        ServiceKey next = claimants.first();
        winners.put(name, next);
        skipped.remove(next);
        serve(next, entries.get(next).resource);
    }

    private SkippedService collision(String name, ServiceKey winner, ServiceKey loser) {
        String reason = "resource name " + name + " is also derived from service " + winner
                + ", which wins (smallest namespace/group/service)";
        return new SkippedService(loser, Collections.singletonList(reason), wallClockMillis.getAsLong());
    }

    private void serve(ServiceKey key, McpResource resource) {
        McpResource replaced = servedByNamespace.computeIfAbsent(key.namespaceId(), n -> new TreeMap<>())
                .put(resource.name(), resource);
        if (replaced != null) {
            addToVersion(replaced, false);
        }
        addToVersion(resource, true);
        namespaceSnapshots.remove(key.namespaceId());
        dirty = true;
    }

    private void unserve(ServiceKey key, String name) {
        TreeMap<String, McpResource> served = servedByNamespace.get(key.namespaceId());
        McpResource removed = served == null ? null : served.remove(name);
        if (removed == null) {
            return;
        }
        addToVersion(removed, false);
        if (served.isEmpty()) {
            servedByNamespace.remove(key.namespaceId());
        }
        namespaceSnapshots.remove(key.namespaceId());
        dirty = true;
    }

    /** Adds ({@code add}) or subtracts one resource's contribution to the set's version. */
    private void addToVersion(McpResource resource, boolean add) {
        byte[] digest = Sha256.newDigest().digest(
                (resource.name() + '\0' + resource.version()).getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.wrap(digest);
        long high = bytes.getLong();
        long low = bytes.getLong();
        if (add) {
            long sum = versionLow + low;
            versionHigh += high + (Long.compareUnsigned(sum, versionLow) < 0 ? 1 : 0);
            versionLow = sum;
        } else {
            long difference = versionLow - low;
            versionHigh -= high + (Long.compareUnsigned(versionLow, low) < 0 ? 1 : 0);
            versionLow = difference;
        }
    }

    private String setVersion() {
        return String.format("%016x%016x", versionHigh, versionLow);
    }

    /** What {@link #apply} did. */
    public enum Outcome {
        ADDED, UPDATED, REMOVED, REJECTED, STILL_REJECTED, NOT_SELECTED, UNCHANGED
    }
}
