package io.nacosistio.plugin.address;

import com.google.common.net.InetAddresses;
import io.nacosistio.plugin.concurrent.Confined;
import io.nacosistio.plugin.metrics.AddressMetrics;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import io.nacosistio.plugin.source.SharedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Gives every registry ServiceEntry host its VIPs: one IPv4 address (and one IPv6 address with an IPv6 pool)
 * from the pools, or the addresses its {@code istio.addresses} metadata names. The state is an
 * {@link AddressTable} kept in Nacos config ({@link SharedConfig}) and changed only by compare-and-set, so
 * every node of a cluster serves the same committed table (docs/architecture.md, "Addresses").
 *
 * <p>Use per batch: {@link #assign} and {@link #release} for every changed service (tentative, in a working
 * copy of the table), then {@link #commit()} before publishing. Only what {@code commit} leaves in place is
 * committed; the services it reports as changed must be rebuilt with {@link #current}. A service whose
 * address cannot be given (pool exhausted, refused override, table not writable) keeps being served without
 * it, with the reason in its {@link Assignment}.
 *
 * <p>Threading: confined to the index updater thread.
 */
@Confined("nacos-mesh-index")
public final class AddressBook {

    private static final Logger LOG = LoggerFactory.getLogger(AddressBook.class);
    static final int MAX_COMMIT_ATTEMPTS = 4;

    private final AddressSettings settings;
    private final List<IpPool> pools = new ArrayList<>();
    private final SharedConfig store;
    private final LongSupplier wallClockMillis;
    private final AddressMetrics metrics;

    private AddressTable committed = AddressTable.empty();
    private String committedMd5;
    /** Non-empty while the stored table cannot be parsed: nothing is allocated or freed until it can. */
    private String tableProblem = "";
    /** Non-empty while a failed commit is being rolled back: nothing new is handed out. */
    private String writeProblem = "";
    /** What config-center ServiceEntries declare: never handed to another host. */
    private DeclaredAddresses declared = DeclaredAddresses.none();

    private final TreeMap<String, AddressRecord> working = new TreeMap<>();
    private final Map<String, TreeSet<String>> byHost = new HashMap<>();
    private final TreeMap<ServiceKey, Intent> intents = new TreeMap<>();
    private final Map<String, Set<ServiceKey>> hostUsers = new HashMap<>();
    private final Map<ServiceKey, Assignment> assigned = new HashMap<>();
    /** Hosts released since the last successful commit (their freeing is re-applied after a conflict). */
    private final Set<String> pendingFrees = new HashSet<>();

    /**
     * @param store where the table lives; null keeps it in memory only (allocation off, or no config module:
     *              then only overrides are served, with collisions checked on this node)
     */
    public AddressBook(AddressSettings settings, SharedConfig store, LongSupplier wallClockMillis,
            AddressMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.wallClockMillis = wallClockMillis;
        this.metrics = metrics;
        if (settings.allocate() && store != null) {
            pools.add(settings.ipv4Pool());
            if (settings.ipv6Pool() != null) {
                pools.add(settings.ipv6Pool());
            }
        }
    }

    /**
     * Reads the committed table; call once before the first {@link #assign}.
     *
     * @throws IllegalStateException when the table exists but cannot be read or parsed (serving without the
     *                               addresses it holds would move every VIP)
     */
    public void load() {
        if (store == null) {
            return;
        }
        Optional<SharedConfig.Stored> stored = store.read();
        if (stored.isPresent()) {
            try {
                committed = AddressTable.parse(stored.get().content());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the address table " + store.describe() + " is unreadable: "
                        + e.getMessage() + "; fix it (or delete it to let every host get a new address)", e);
            }
            committedMd5 = stored.get().md5();
        }
        resetWorking();
    }

    /** Gives {@code key}'s ServiceEntry (host {@code host}) its addresses, tentatively until {@link #commit()}. */
    public Assignment assign(ServiceKey key, String host, RegistryService service) {
        Intent intent = new Intent(host, overrideOf(service));
        Intent previous = intents.put(key, intent);
        if (previous != null && !previous.host.equals(host)) {
            removeUser(previous.host, key);
        }
        hostUsers.computeIfAbsent(host, h -> new HashSet<>()).add(key);
        Assignment assignment = compute(intent);
        assigned.put(key, assignment);
        return assignment;
    }

    /** {@code key} is no longer served: its host's addresses are freed once no other service uses the host. */
    public void release(ServiceKey key) {
        Intent intent = intents.remove(key);
        assigned.remove(key);
        if (intent != null) {
            removeUser(intent.host, key);
        }
    }

    /** What {@code key} has now (after a commit: the committed addresses). */
    public Assignment current(ServiceKey key) {
        Assignment a = assigned.get(key);
        return a == null ? Assignment.none() : a;
    }

    /** After a full reconciliation: frees addresses of hosts no service on this node uses any more. */
    public void freeUnusedHosts() {
        if (!canWrite()) {
            return;
        }
        for (Map.Entry<String, AddressRecord> e : new ArrayList<>(working.entrySet())) {
            if (e.getValue().isLive() && !hostUsers.containsKey(e.getValue().host())) {
                put(e.getKey(), e.getValue().freedAt(wallClockMillis.getAsLong()));
            }
        }
    }

    /**
     * Writes the working table with compare-and-set and reads it back; on a conflict adopts the table another
     * node committed, recomputes every assignment against it and tries again. When no write succeeds, every
     * assignment falls back to what the committed table holds.
     */
    public CommitResult commit() {
        pruneExpired();
        if (store == null) {
            committed = AddressTable.of(working);
            pendingFrees.clear();
            return CommitResult.NOTHING;
        }
        Set<ServiceKey> changed = new TreeSet<>();
        for (int attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
            if (working.equals(committed.records())) {
                pendingFrees.clear();
                return new CommitResult(changed, new TreeSet<ServiceKey>());
            }
            AddressTable draft = AddressTable.of(working);
            String content = draft.render();
            Optional<SharedConfig.Stored> now;
            try {
                // The result is advisory: what counts is what reads back.
                store.replace(committedMd5, content);
                metrics.tableWrites.incrementAndGet();
                now = store.read();
            } catch (RuntimeException e) {
                metrics.tableWriteFailures.incrementAndGet();
                LOG.warn("nacos-istio-plugin: could not write the address table {}; new addresses wait: {}",
                        store.describe(), e.toString());
                return fallBack("the address table could not be written (" + e.getMessage() + ")", changed);
            }
            if (now.isPresent() && now.get().content().equals(content)) {
                committed = draft;
                committedMd5 = now.get().md5();
                pendingFrees.clear();
                return new CommitResult(changed, new TreeSet<ServiceKey>());
            }
            metrics.tableConflicts.incrementAndGet();
            adopt(now);
            changed.addAll(recomputeAll());
        }
        return fallBack("the address table changed under " + MAX_COMMIT_ATTEMPTS + " writes in a row", changed);
    }

    /**
     * The stored table changed (a write by this or another node): adopts it when it differs from the
     * committed one, recomputes every assignment, and commits what that needs (a host this node still serves
     * that another node freed is taken back).
     */
    public CommitResult reload() {
        if (store == null) {
            return CommitResult.NOTHING;
        }
        Optional<SharedConfig.Stored> stored;
        try {
            stored = store.read();
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: could not read the address table {}: {}", store.describe(), e.toString());
            return CommitResult.NOTHING;
        }
        String md5 = stored.isPresent() ? stored.get().md5() : null;
        if (Objects.equals(md5, committedMd5)) {
            return CommitResult.NOTHING;
        }
        adopt(stored);
        Set<ServiceKey> changed = recomputeAll();
        return commit().plusChanged(changed);
    }

    /**
     * The addresses config-center ServiceEntries declare changed: every assignment is recomputed against them
     * (a host whose VIP is now declared for another host is served without it, an override naming one is
     * refused, the probe steps over them) and what that needs is committed. Nothing changes when they are the
     * same as before.
     */
    public CommitResult declare(DeclaredAddresses now) {
        if (now.equals(declared)) {
            return CommitResult.NOTHING;
        }
        declared = now;
        Set<ServiceKey> changed = recomputeAll();
        return commit().plusChanged(changed);
    }

    /** An immutable picture for the debug view and metrics. */
    public AddressView view() {
        Map<ServiceKey, String> problems = new TreeMap<>();
        int declaredConflicts = 0;
        for (Map.Entry<ServiceKey, Assignment> e : assigned.entrySet()) {
            if (e.getValue().hasProblem()) {
                problems.put(e.getKey(), e.getValue().problem());
            }
            if (e.getValue().declaredConflict()) {
                declaredConflicts++;
            }
        }
        Map<String, Long> used = new java.util.LinkedHashMap<>();
        for (IpPool pool : pools) {
            long count = 0;
            for (String address : committed.records().keySet()) {
                if (pool.contains(InetAddresses.forString(address))) {
                    count++;
                }
            }
            used.put(pool.toString(), count);
        }
        String status;
        if (store == null) {
            status = settings.allocate() ? "off: the address table cannot be kept (no Nacos config module)"
                    : "off (nacos.mesh.addresses.enabled=false): only " + settings.metadataKey() + " is served";
        } else {
            status = tableProblem.isEmpty() ? "on" : tableProblem;
        }
        return new AddressView(status, store == null ? "" : store.describe(), used, poolSizes(), committed, problems,
                declared, declaredConflicts);
    }

    private Map<String, Long> poolSizes() {
        Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        for (IpPool pool : pools) {
            sizes.put(pool.toString(), pool.usableCount());
        }
        return sizes;
    }

    // ---- assignment ----

    private Assignment compute(Intent intent) {
        if (intent.override != null) {
            return computeOverride(intent.host, intent.override);
        }
        freeRecordsOf(intent.host, true, Collections.<String>emptySet());
        if (pools.isEmpty()) {
            return Assignment.none();
        }
        List<String> addresses = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean declaredConflict = false;
        for (IpPool pool : pools) {
            String own = ownPoolAddress(intent.host, pool);
            DeclaredAddresses.Declaration taken = own == null ? null : declared.conflicting(own, intent.host);
            if (taken != null) {
                // The config-center entry keeps what it declares; the host keeps its record (its VIP comes back
                // when the declaration goes) but is served without it, so the address is never served twice.
                problems.add("its VIP " + own + " is withheld: " + taken.describe()
                        + "; an address is never served twice");
                declaredConflict = true;
                continue;
            }
            if (own != null) {
                AddressRecord record = working.get(own);
                if (record.isLive()) {
                    addresses.add(own);
                } else if (canWrite()) {
                    put(own, record.reclaimed());
                    addresses.add(own);
                } else {
                    problems.add(noWriteReason());
                }
                continue;
            }
            if (!canWrite()) {
                problems.add(noWriteReason());
                continue;
            }
            String fresh = allocate(pool, intent.host);
            if (fresh == null) {
                pruneExpired();
                fresh = allocate(pool, intent.host);
            }
            if (fresh == null) {
                problems.add("the address pool " + pool + " is exhausted (" + pool.usableCount()
                        + " addresses in use or on hold)");
            } else {
                put(fresh, new AddressRecord(intent.host, false, 0));
                metrics.allocations.incrementAndGet();
                addresses.add(fresh);
            }
        }
        return new Assignment(addresses, String.join("; ", new TreeSet<>(problems)), declaredConflict);
    }

    private Assignment computeOverride(String host, String raw) {
        boolean declaredConflict = false;
        List<String> wanted = new ArrayList<>();
        String problem = parseOverride(raw, wanted);
        if (problem == null) {
            for (String address : wanted) {
                AddressRecord record = working.get(address);
                if (record != null && record.isLive() && !record.host().equals(host)) {
                    problem = "metadata " + settings.metadataKey() + ": " + address + " is already the "
                            + (record.isOverride() ? "chosen" : "allocated") + " address of " + record.host()
                            + "; an address is never served twice";
                    break;
                }
                DeclaredAddresses.Declaration taken = declared.conflicting(address, host);
                if (taken != null) {
                    problem = "metadata " + settings.metadataKey() + ": " + address + " is refused: " + taken.describe()
                            + "; an address is never served twice";
                    declaredConflict = true;
                    break;
                }
            }
        }
        if (problem == null && !canWrite() && needsWrite(host, wanted)) {
            problem = noWriteReason();
        }
        if (problem != null) {
            metrics.refusedOverrides.incrementAndGet();
            freeRecordsOf(host, false, Collections.<String>emptySet());
            freeRecordsOf(host, true, Collections.<String>emptySet());
            return new Assignment(Collections.<String>emptyList(), problem, declaredConflict);
        }
        Set<String> keep = new HashSet<>(wanted);
        freeRecordsOf(host, false, keep);
        freeRecordsOf(host, true, keep);
        for (String address : wanted) {
            AddressRecord record = working.get(address);
            if (record == null || !record.isLive() || !record.isOverride() || !record.host().equals(host)) {
                put(address, new AddressRecord(host, true, 0));
            }
        }
        return new Assignment(wanted, "");
    }

    /** Fills {@code out} with the override's canonical addresses, IPv4 first; returns the problem or null. */
    private String parseOverride(String raw, List<String> out) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (String item : raw.split(",")) {
            String text = item.trim();
            if (text.isEmpty()) {
                continue;
            }
            InetAddress address;
            try {
                address = InetAddresses.forString(text);
            } catch (IllegalArgumentException e) {
                return "metadata " + settings.metadataKey() + "='" + raw + "': '" + text + "' is not an IP address";
            }
            if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()) {
                return "metadata " + settings.metadataKey() + "='" + raw + "': '" + text
                        + "' cannot be a service address (unspecified, loopback or multicast)";
            }
            String canonical = InetAddresses.toAddrString(address);
            List<String> family = address instanceof Inet4Address ? v4 : v6;
            if (!family.contains(canonical)) {
                family.add(canonical);
            }
        }
        if (v4.isEmpty() && v6.isEmpty()) {
            return "metadata " + settings.metadataKey() + " is set but names no address";
        }
        out.addAll(v4);
        out.addAll(v6);
        return null;
    }

    private boolean needsWrite(String host, List<String> wanted) {
        for (String address : wanted) {
            AddressRecord record = working.get(address);
            if (record == null || !record.isLive() || !record.isOverride() || !record.host().equals(host)) {
                return true;
            }
        }
        return false;
    }

    /** The host's lowest pool record (live or on hold) inside {@code pool}; other pool records of it there are freed. */
    private String ownPoolAddress(String host, IpPool pool) {
        TreeSet<String> own = byHost.get(host);
        if (own == null) {
            return null;
        }
        List<String> candidates = new ArrayList<>();
        for (String address : own) {
            AddressRecord record = working.get(address);
            if (!record.isOverride() && pool.contains(InetAddresses.forString(address))) {
                candidates.add(address);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        candidates.sort(Comparator.comparing((String a) -> !working.get(a).isLive()).thenComparing(a -> a));
        for (int i = 1; i < candidates.size() && canWrite(); i++) {
            AddressRecord extra = working.get(candidates.get(i));
            if (extra.isLive()) {
                put(candidates.get(i), extra.freedAt(wallClockMillis.getAsLong()));
            }
        }
        return candidates.get(0);
    }

    /**
     * The first address neither in the table nor declared by a config-center ServiceEntry, probing from a
     * position derived from the host, so that nodes allocating the same new host at once usually pick the same
     * address. Every address is looked at once at most; a declared block is stepped over in one step, so the
     * probe ends after at most table-size + 2 x declarations + 1 steps.
     */
    private String allocate(IpPool pool, String host) {
        long usable = pool.usableCount();
        long index = Long.remainderUnsigned(hashOf(host), usable);
        long remaining = usable;
        while (remaining > 0) {
            java.math.BigInteger covered = declared.isEmpty() ? java.math.BigInteger.ZERO
                    : declared.coveredFrom(pool.isIpv4(), pool.valueAt(index));
            if (covered.signum() > 0) {
                long skip = covered.min(java.math.BigInteger.valueOf(Math.min(remaining, usable - index))).longValue();
                metrics.declaredAddressesAvoided.incrementAndGet();
                remaining -= skip;
                index = (index + skip) % usable;
                continue;
            }
            String candidate = pool.addressAt(index);
            if (!working.containsKey(candidate)) {
                return candidate;
            }
            remaining--;
            index = (index + 1) % usable;
        }
        return null;
    }

    /** Frees the host's live records of one kind (pool when {@code override} is false), except {@code keep}. */
    private void freeRecordsOf(String host, boolean override, Set<String> keep) {
        TreeSet<String> own = byHost.get(host);
        if (own == null || !canWrite()) {
            return;
        }
        for (String address : new ArrayList<>(own)) {
            AddressRecord record = working.get(address);
            if (record.isOverride() == override && record.isLive() && !keep.contains(address)) {
                put(address, record.freedAt(wallClockMillis.getAsLong()));
            }
        }
        if (!override) {
            // Pool records outside every configured pool (the pool was changed) are freed as well.
            for (String address : new ArrayList<>(own)) {
                AddressRecord record = working.get(address);
                if (!record.isOverride() && record.isLive() && !keep.contains(address) && !inAnyPool(address)) {
                    put(address, record.freedAt(wallClockMillis.getAsLong()));
                }
            }
        }
    }

    private boolean inAnyPool(String address) {
        InetAddress parsed = InetAddresses.forString(address);
        for (IpPool pool : pools) {
            if (pool.contains(parsed)) {
                return true;
            }
        }
        return false;
    }

    private void removeUser(String host, ServiceKey key) {
        Set<ServiceKey> users = hostUsers.get(host);
        if (users == null) {
            return;
        }
        users.remove(key);
        if (users.isEmpty()) {
            hostUsers.remove(host);
            pendingFrees.add(host);
            freeHost(host);
        }
    }

    private void freeHost(String host) {
        freeRecordsOf(host, false, Collections.<String>emptySet());
        freeRecordsOf(host, true, Collections.<String>emptySet());
    }

    private void pruneExpired() {
        if (!canWrite()) {
            return;
        }
        long now = wallClockMillis.getAsLong();
        for (Map.Entry<String, AddressRecord> e : new ArrayList<>(working.entrySet())) {
            AddressRecord record = e.getValue();
            if (!record.isLive() && now - record.freedAtMillis() >= settings.holdMillis()) {
                remove(e.getKey());
            }
        }
    }

    // ---- table state ----

    private CommitResult fallBack(String reason, Set<ServiceKey> changed) {
        writeProblem = reason;
        Set<ServiceKey> lost = recomputeAll();
        writeProblem = "";
        for (String host : pendingFrees) {
            if (!hostUsers.containsKey(host)) {
                freeHost(host);
            }
        }
        Set<ServiceKey> retry = new TreeSet<>();
        for (ServiceKey key : lost) {
            if (assigned.get(key).hasProblem()) {
                retry.add(key);
            }
        }
        changed.addAll(lost);
        return new CommitResult(changed, retry);
    }

    private void adopt(Optional<SharedConfig.Stored> stored) {
        if (!stored.isPresent()) {
            committed = AddressTable.empty();
            committedMd5 = null;
            tableProblem = "";
            return;
        }
        committedMd5 = stored.get().md5();
        try {
            committed = AddressTable.parse(stored.get().content());
            tableProblem = "";
        } catch (IllegalArgumentException e) {
            tableProblem = "the address table " + store.describe() + " is unreadable (" + e.getMessage()
                    + "); addresses already served stay, nothing is allocated or freed until it is fixed";
            LOG.warn("nacos-istio-plugin: {}", tableProblem);
        }
    }

    /** Rebuilds the working table from the committed one and every assignment from the intents, in key order. */
    private Set<ServiceKey> recomputeAll() {
        resetWorking();
        for (String host : pendingFrees) {
            if (!hostUsers.containsKey(host)) {
                freeHost(host);
            }
        }
        Set<ServiceKey> changed = new TreeSet<>();
        for (Map.Entry<ServiceKey, Intent> e : intents.entrySet()) {
            Assignment a = compute(e.getValue());
            if (!a.equals(assigned.put(e.getKey(), a))) {
                changed.add(e.getKey());
            }
        }
        return changed;
    }

    private void resetWorking() {
        working.clear();
        byHost.clear();
        for (Map.Entry<String, AddressRecord> e : committed.records().entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    private void put(String address, AddressRecord record) {
        AddressRecord previous = working.put(address, record);
        if (previous != null && !previous.host().equals(record.host())) {
            unindex(previous.host(), address);
        }
        byHost.computeIfAbsent(record.host(), h -> new TreeSet<>()).add(address);
    }

    private void remove(String address) {
        AddressRecord previous = working.remove(address);
        if (previous != null) {
            unindex(previous.host(), address);
        }
    }

    private void unindex(String host, String address) {
        TreeSet<String> own = byHost.get(host);
        if (own != null) {
            own.remove(address);
            if (own.isEmpty()) {
                byHost.remove(host);
            }
        }
    }

    private boolean canWrite() {
        return tableProblem.isEmpty() && writeProblem.isEmpty();
    }

    private String noWriteReason() {
        return tableProblem.isEmpty() ? writeProblem + "; retrying" : tableProblem;
    }

    /** The override: service metadata first, then the first instance (by address and port) that sets it. */
    private String overrideOf(RegistryService service) {
        String value = service.metadata().get(settings.metadataKey());
        if (value == null) {
            List<RegistryInstance> instances = new ArrayList<>(service.instances());
            instances.sort(Comparator.comparing(RegistryInstance::ip).thenComparingInt(RegistryInstance::port));
            for (int i = 0; value == null && i < instances.size(); i++) {
                value = instances.get(i).metadata().get(settings.metadataKey());
            }
        }
        return value;
    }

    private static long hashOf(String host) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(host.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one service asks for: its host, and its override value (null: none). */
    private static final class Intent {
        final String host;
        final String override;

        Intent(String host, String override) {
            this.host = host;
            this.override = override;
        }
    }
}
