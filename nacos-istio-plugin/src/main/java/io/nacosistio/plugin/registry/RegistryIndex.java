package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.address.AddressBook;
import io.nacosistio.plugin.address.AddressSettings;
import io.nacosistio.plugin.address.Assignment;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.concurrent.Confined;
import io.nacosistio.plugin.concurrent.OwnerThread;
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
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The registry-derived ServiceEntries, kept per Nacos namespace, and the services that could not be
 * served. Each namespace keeps an immutable sorted list of its resources that is rebuilt only when that
 * namespace changes, so one change costs one conversion and one serialization, not a pass over the mesh.
 * Resource names and hosts are {@link Claims}: a service is served only while it wins all of its own, so
 * what is served does not depend on the order changes arrived in. A service that is not selected is
 * treated as deleted, but listed with the rule that left it out.
 * Each accepted service gets its addresses from the {@link AddressBook} before it is served; the updater
 * commits the book at the end of each batch and rebuilds what the commit changed
 * ({@link #refreshAddresses}).
 *
 * <p>Threading: confined to the index updater thread (checked by the mutators); {@link #view()} hands out
 * immutable copies.
 */
@Confined("nacos-mesh-index")
public final class RegistryIndex {

    /** A converted service (without addresses) and its wire-ready resource (with them). */
    private static final class Entry {
        final ConvertedService converted;
        final McpResource resource;
        final List<Claims.Claim> claims;

        Entry(ConvertedService converted, McpResource resource, List<Claims.Claim> claims) {
            this.converted = converted;
            this.resource = resource;
            this.claims = claims;
        }
    }

    private final OwnerThread owner = new OwnerThread("the ServiceEntry index");
    private final ServiceConverter converter;
    private final AddressBook addresses;
    private final LongSupplier wallClockMillis;
    private final Map<ServiceKey, Entry> entries = new HashMap<>();
    /** Resource names and hosts: a service is served while it wins all of its claims. */
    private final Claims claims = new Claims();
    private final Set<ServiceKey> served = new HashSet<>();
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

    /** An index that allocates no address (overrides only, checked on this node). */
    public RegistryIndex(ServiceConverter converter, LongSupplier wallClockMillis) {
        this(converter, new AddressBook(AddressSettings.defaults(), null, wallClockMillis,
                new io.nacosistio.plugin.metrics.AddressMetrics()), wallClockMillis);
    }

    public RegistryIndex(ServiceConverter converter, AddressBook addresses, LongSupplier wallClockMillis) {
        this.converter = converter;
        this.addresses = addresses;
        this.wallClockMillis = wallClockMillis;
    }

    /**
     * Brings one service up to date: {@code state} empty means the service no longer exists.
     *
     * @return what happened, for logging and metrics
     */
    public Outcome apply(ServiceKey key, Optional<RegistryService> state) {
        owner.check();
        Entry previous = entries.get(key);
        if (!state.isPresent()) {
            addresses.release(key);
            skipped.remove(key);
            if (previous == null) {
                return Outcome.UNCHANGED;
            }
            recheck(detach(key, previous));
            return Outcome.REMOVED;
        }
        ConvertedService converted = convertSafely(state.get());
        if (converted.isNotSelected()) {
            addresses.release(key);
            // Leaving the selection is like being deleted.
            if (previous != null) {
                recheck(detach(key, previous));
            }
            boolean sameRule = reportSkipped(key, converted.rejections());
            return previous != null ? Outcome.REMOVED : sameRule ? Outcome.UNCHANGED : Outcome.NOT_SELECTED;
        }
        if (!converted.isAccepted()) {
            addresses.release(key);
            if (previous != null) {
                recheck(detach(key, previous));
            }
            return reportSkipped(key, converted.rejections()) ? Outcome.STILL_REJECTED : Outcome.REJECTED;
        }
        return place(key, converted, addresses.assign(key, converted.host(), state.get()));
    }

    /**
     * Rebuilds the given services with the addresses the book now holds for them (after a commit or a
     * reload changed them). Services no longer held are ignored.
     */
    public void refreshAddresses(Iterable<ServiceKey> keys) {
        for (ServiceKey key : keys) {
            Entry entry = entries.get(key);
            if (entry != null) {
                place(key, entry.converted, addresses.current(key));
            }
        }
    }

    /** The address book this index assigns from (owned by the same thread). */
    public AddressBook addresses() {
        return addresses;
    }

    private Outcome place(ServiceKey key, ConvertedService converted, Assignment assignment) {
        Entry previous = entries.get(key);
        ConvertedService finished = converted.withAddresses(assignment.addresses());
        if (previous != null && previous.resource.version().equals(finished.version())
                && previous.converted.resourceName().equals(finished.resourceName())) {
            return Outcome.UNCHANGED;
        }
        Set<ServiceKey> affected = previous == null ? new TreeSet<>() : detach(key, previous);
        // Nacos keeps no creation time of a service that every node shares: a fixed one, so that every node
        // serves the same bytes.
        McpResource resource = McpResource.of(IstioKind.SERVICE_ENTRY, finished.resourceName(), finished.version(),
                McpResource.FIXED_CREATE_TIME, finished.labels(), finished.annotations(), finished.body());
        Entry entry = new Entry(converted, resource, Claims.of(key, converted));
        entries.put(key, entry);
        claims.add(entry.claims);
        claims.addClaimants(entry.claims, affected);
        affected.add(key);
        recheck(affected);
        return previous == null ? Outcome.ADDED : Outcome.UPDATED;
    }

    /** Lists the service as skipped; true when it already was, for the same reasons (kept with its time). */
    private boolean reportSkipped(ServiceKey key, List<String> reasons) {
        SkippedService before = skipped.get(key);
        if (before != null && before.reasons().equals(reasons)) {
            return true;
        }
        skipped.put(key, new SkippedService(key, reasons, wallClockMillis.getAsLong()));
        return false;
    }

    /** The full set of served ServiceEntries; a new version whenever anything served changed. */
    public ResourceSet snapshot() {
        if (dirty) {
            owner.check();
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
    public RegistryView view() {
        Map<String, Integer> servedPerNamespace = new TreeMap<>();
        for (Map.Entry<String, TreeMap<String, McpResource>> ns : servedByNamespace.entrySet()) {
            servedPerNamespace.put(ns.getKey(), ns.getValue().size());
        }
        return new RegistryView(snapshot(), servedPerNamespace, new ArrayList<>(skipped.values()), addresses.view());
    }

    private ConvertedService convertSafely(RegistryService service) {
        try {
            return converter.convert(service);
        } catch (RuntimeException e) {
            // The converter promises not to throw; if it does, this service alone is skipped.
            return ConvertedService.rejected(Collections.singletonList("conversion failed: " + e));
        }
    }

    /**
     * Serves each affected service that wins all its claims and unserves the others, reporting why. Losers
     * are unserved first, so a winner never shares a name with a service still served.
     */
    private void recheck(Set<ServiceKey> affected) {
        List<ServiceKey> winning = new ArrayList<>();
        for (ServiceKey key : affected) {
            Entry entry = entries.get(key);
            if (entry == null) {
                continue;
            }
            List<String> losses = claims.losses(entry.claims);
            if (losses.isEmpty()) {
                winning.add(key);
                continue;
            }
            if (served.remove(key)) {
                unserve(key, entry.resource.name());
            }
            reportSkipped(key, Collections.unmodifiableList(losses));
        }
        for (ServiceKey key : winning) {
            skipped.remove(key);
            if (served.add(key)) {
                serve(key, entries.get(key).resource);
            }
        }
    }

    /**
     * Forgets a service's entry: unserved, its claims dropped.
     *
     * @return the other services that claimed any of the same names or hosts, to be rechecked
     */
    private Set<ServiceKey> detach(ServiceKey key, Entry entry) {
        entries.remove(key);
        if (served.remove(key)) {
            unserve(key, entry.resource.name());
        }
        Set<ServiceKey> affected = new TreeSet<>();
        claims.addClaimants(entry.claims, affected);
        claims.remove(entry.claims);
        affected.remove(key);
        return affected;
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
