package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.concurrent.Confined;
import io.nacosistio.plugin.concurrent.OwnerThread;
import io.nacosistio.plugin.document.ConfigDocuments;
import io.nacosistio.plugin.document.DocumentParser;
import io.nacosistio.plugin.document.ParsedDocument;
import io.nacosistio.plugin.document.SpecTypes;
import io.nacosistio.plugin.document.WarmUpSample;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import io.nacosistio.plugin.resource.Sha256;
import io.nacosistio.plugin.source.ConfigItem;
import io.nacosistio.plugin.source.ConfigKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The Istio resources declared by documents in Nacos config, with the rules that keep a typo from taking
 * traffic down: a refused update keeps the last accepted version of that resource served, content that
 * cannot be read at all keeps everything the config served before, and of two documents claiming one
 * resource the first by namespace, group, dataId and position wins while the other is reported.
 *
 * <p>Threading: confined to the config updater thread (checked by the mutators); {@link #view()} hands out
 * an immutable copy.
 */
@Confined("nacos-mesh-config")
public final class ConfigCenterIndex {

    /** What {@link #apply} did to one config. */
    public enum Outcome {
        ADDED, UPDATED, REMOVED, UNCHANGED
    }

    /** One config's accepted state. */
    private static final class ConfigState {
        final String contentHash;
        final long createdAt;
        final List<ServedDocument> served;
        final List<RefusedDocument> refused;

        ConfigState(String contentHash, long createdAt, List<ServedDocument> served, List<RefusedDocument> refused) {
            this.contentHash = contentHash;
            this.createdAt = createdAt;
            this.served = served;
            this.refused = refused;
        }
    }

    private final OwnerThread owner = new OwnerThread("the config-center index");
    private final ConfigDocuments documents;
    private final Function<String, String> istioNamespaceOf;
    private final LongSupplier wallClockMillis;
    private final Map<ConfigKey, ConfigState> states = new TreeMap<>();
    private final Map<ResourceId, TreeSet<ServedDocument>> claims = new HashMap<>();
    private final Map<IstioKind, TreeMap<String, McpResource>> winners = new EnumMap<>(IstioKind.class);
    private final Set<IstioKind> dirty = EnumSet.noneOf(IstioKind.class);
    private final Map<IstioKind, String> takenVersions = new EnumMap<>(IstioKind.class);
    private final String revision;

    /**
     * @param istioNamespaceOf the Istio namespace of a Nacos namespace, for documents without
     *                         {@code metadata.namespace} (the same rule as registry ServiceEntries)
     */
    public ConfigCenterIndex(ConfigDocuments documents, Function<String, String> istioNamespaceOf,
            LongSupplier wallClockMillis) {
        this(documents, istioNamespaceOf, wallClockMillis, "");
    }

    /**
     * @param revision labels every served document {@code istio.io/rev=<revision>} unless it carries its own
     *                 (empty: none)
     */
    public ConfigCenterIndex(ConfigDocuments documents, Function<String, String> istioNamespaceOf,
            LongSupplier wallClockMillis, String revision) {
        this.revision = revision;
        this.documents = documents;
        this.istioNamespaceOf = istioNamespaceOf;
        this.wallClockMillis = wallClockMillis;
        for (IstioKind kind : SpecTypes.documentKinds()) {
            winners.put(kind, new TreeMap<String, McpResource>());
            takenVersions.put(kind, ResourceSet.empty(kind).version());
        }
    }

    /** Brings one config up to date: {@code item} empty means it no longer exists (or holds no documents). */
    public Outcome apply(ConfigKey key, Optional<ConfigItem> item) {
        owner.check();
        ConfigState previous = states.get(key);
        if (!item.isPresent()) {
            if (previous == null) {
                return Outcome.UNCHANGED;
            }
            release(previous);
            states.remove(key);
            return Outcome.REMOVED;
        }
        String hash = contentHash(item.get());
        if (previous != null && previous.contentHash.equals(hash) && previous.createdAt == item.get().createdAtMillis()) {
            return Outcome.UNCHANGED;
        }
        ConfigState next = read(key, item.get(), hash, previous);
        if (previous != null) {
            release(previous);
        }
        states.put(key, next);
        for (ServedDocument served : next.served) {
            claim(served);
        }
        return previous == null ? Outcome.ADDED : Outcome.UPDATED;
    }

    /**
     * Reads the bundled sample of every kind through the same parsing, validation and serialization as a
     * config, serving nothing, so that the first real document does not pay for loading them.
     *
     * @return how many sample documents were accepted (every kind's, unless the sample is broken)
     */
    public int warmUp() {
        int accepted = 0;
        for (DocumentParser.Outcome outcome : documents.read(WarmUpSample.content()).outcomes()) {
            if (outcome.accepted()) {
                outcome.document().spec().toByteString();
                accepted++;
            }
        }
        return accepted;
    }

    /** Every config the index holds (for reconciliation against Nacos). */
    public List<ConfigKey> knownConfigs() {
        return new ArrayList<>(states.keySet());
    }

    /** The documents of {@code key} currently served (accepted or retained). */
    public List<ServedDocument> served(ConfigKey key) {
        ConfigState state = states.get(key);
        return state == null ? Collections.<ServedDocument>emptyList() : state.served;
    }

    /** The documents of {@code key} currently refused. */
    public List<RefusedDocument> refused(ConfigKey key) {
        ConfigState state = states.get(key);
        return state == null ? Collections.<RefusedDocument>emptyList() : state.refused;
    }

    /**
     * Kinds whose served set changed since the last call. A document re-claimed unchanged (new content,
     * same resources) does not count: the sets' versions are compared.
     */
    public Set<IstioKind> takeChangedKinds() {
        owner.check();
        Set<IstioKind> changed = EnumSet.noneOf(IstioKind.class);
        for (IstioKind kind : dirty) {
            String version = snapshot(kind).version();
            if (!version.equals(takenVersions.put(kind, version))) {
                changed.add(kind);
            }
        }
        dirty.clear();
        return changed;
    }

    /** The served set of one kind. */
    public ResourceSet snapshot(IstioKind kind) {
        TreeMap<String, McpResource> served = winners.get(kind);
        if (served == null) {
            return ResourceSet.empty(kind);
        }
        return ResourceSet.versioned(kind, new ArrayList<>(served.values()));
    }

    public ConfigCenterView view() {
        Map<ConfigKey, List<ServedDocument>> docs = new LinkedHashMap<>();
        List<RefusedDocument> refused = new ArrayList<>();
        for (Map.Entry<ConfigKey, ConfigState> e : states.entrySet()) {
            docs.put(e.getKey(), Collections.unmodifiableList(new ArrayList<>(e.getValue().served)));
            refused.addAll(e.getValue().refused);
        }
        List<ConfigCenterView.Collision> collisions = new ArrayList<>();
        for (Map.Entry<ResourceId, TreeSet<ServedDocument>> e : claims.entrySet()) {
            if (e.getValue().size() > 1) {
                List<ServedDocument> losers = new ArrayList<>(e.getValue());
                ServedDocument winner = losers.remove(0);
                collisions.add(new ConfigCenterView.Collision(e.getKey(), winner, losers));
            }
        }
        collisions.sort((a, b) -> a.winner().compareTo(b.winner()));
        return new ConfigCenterView(docs, refused, collisions);
    }

    private ConfigState read(ConfigKey key, ConfigItem item, String hash, ConfigState previous) {
        Map<ResourceId, ServedDocument> previouslyServed = new HashMap<>();
        if (previous != null) {
            for (ServedDocument s : previous.served) {
                previouslyServed.putIfAbsent(s.id(), s);
            }
        }
        long now = wallClockMillis.getAsLong();
        ConfigDocuments.Result result = documents.read(item.content());
        List<ServedDocument> served = new ArrayList<>();
        List<RefusedDocument> refused = new ArrayList<>();
        Set<ResourceId> declared = new java.util.HashSet<>();
        for (DocumentParser.Outcome outcome : result.outcomes()) {
            if (outcome.accepted()) {
                ParsedDocument doc = outcome.document();
                ResourceId id = new ResourceId(doc.kind(), namespaceOf(key, doc.namespace()) + "/" + doc.name());
                declared.add(id);
                served.add(new ServedDocument(key, doc.index(), id, resourceOf(id, doc, item), false));
            } else if (outcome.identified()) {
                ResourceId id = new ResourceId(outcome.kind(), namespaceOf(key, outcome.namespace()) + "/"
                        + outcome.name());
                declared.add(id);
                ServedDocument old = previouslyServed.get(id);
                int index = outcome.problems().get(0).documentIndex();
                if (old != null) {
                    served.add(old.retainedAt(index));
                }
                refused.add(new RefusedDocument(key, outcome.problems(), id,
                        old == null ? null : old.resource().version(), now));
            } else {
                refused.add(new RefusedDocument(key, outcome.problems(), null, null, now));
            }
        }
        if (!result.contentProblems().isEmpty()) {
            refused.add(new RefusedDocument(key, result.contentProblems(), null, null, now));
        }
        if (!result.complete()) {
            // Some document could not be identified: it may be the new form of anything served before.
            for (ServedDocument old : previouslyServed.values()) {
                if (!declared.contains(old.id())) {
                    served.add(old.retainedAt(old.index()));
                }
            }
        }
        Collections.sort(served);
        return new ConfigState(hash, item.createdAtMillis(), Collections.unmodifiableList(served),
                Collections.unmodifiableList(refused));
    }

    private String namespaceOf(ConfigKey key, String declared) {
        return declared != null ? declared : istioNamespaceOf.apply(key.namespaceId());
    }

    private McpResource resourceOf(ResourceId id, ParsedDocument doc, ConfigItem item) {
        com.google.protobuf.ByteString body = doc.spec().toByteString();
        MessageDigest digest = Sha256.newDigest();
        update(digest, id.kind().name());
        update(digest, id.name());
        Map<String, String> labels = io.nacosistio.plugin.resource.RevisionLabel.apply(doc.labels(), revision);
        for (Map.Entry<String, String> label : labels.entrySet()) {
            update(digest, "l:" + label.getKey() + "=" + label.getValue());
        }
        for (Map.Entry<String, String> annotation : doc.annotations().entrySet()) {
            update(digest, "a:" + annotation.getKey() + "=" + annotation.getValue());
        }
        digest.update(body.toByteArray());
        String version = Sha256.prefix(digest.digest(), 16);
        // A fixed create_time, not the one Nacos stores with the config: Nacos 3's embedded storage stamps that
        // (NOW()) on each node as the node applies the replicated write, milliseconds apart, and two nodes
        // serving different bytes for one document would make istiod re-store it whenever it moves between them.
        return McpResource.of(id.kind(), id.name(), version, McpResource.FIXED_CREATE_TIME, labels, doc.annotations(),
                body);
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static String contentHash(ConfigItem item) {
        MessageDigest digest = Sha256.newDigest();
        update(digest, item.content());
        return Sha256.prefix(digest.digest(), 32);
    }

    private void claim(ServedDocument served) {
        claims.computeIfAbsent(served.id(), id -> new TreeSet<ServedDocument>()).add(served);
        refreshWinner(served.id());
    }

    private void release(ConfigState state) {
        for (ServedDocument served : state.served) {
            TreeSet<ServedDocument> claimants = claims.get(served.id());
            if (claimants == null) {
                continue;
            }
            claimants.remove(served);
            if (claimants.isEmpty()) {
                claims.remove(served.id());
            }
            refreshWinner(served.id());
        }
    }

    private void refreshWinner(ResourceId id) {
        TreeMap<String, McpResource> served = winners.get(id.kind());
        TreeSet<ServedDocument> claimants = claims.get(id);
        McpResource now = claimants == null || claimants.isEmpty() ? null : claimants.first().resource();
        McpResource before = now == null ? served.remove(id.name()) : served.put(id.name(), now);
        if (before != now) {
            dirty.add(id.kind());
        }
    }
}
