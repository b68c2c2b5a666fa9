package io.nacosistio.bench;

import com.alibaba.nacos.api.naming.pojo.Instance;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import istio.mcp.v1alpha1.ResourceOuterClass.Resource;
import istio.networking.v1alpha3.ServiceEntryOuterClass.ServiceEntry;
import istio.networking.v1alpha3.WorkloadEntryOuterClass.WorkloadEntry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each registry change became visible to one client. Every change stamps one instance of one service with
 * the label {@code bench-seq=<n>}; the registry always re-registers a service's full instance list, so a
 * ServiceEntry whose endpoints carry a {@code bench-seq} of at least n holds change n and every earlier change
 * of that service. A change is delivered by the first response whose entry for that service shows it; its
 * latency runs from the moment the registry call returned.
 *
 * <p>Threads: changes are registered by the registry driver, responses arrive on a client callback thread;
 * all state is guarded by this object's lock.
 */
final class ChangeTracker implements ChangeListener {

    static final String SEQ_LABEL = "bench-seq";

    /** A change the client has seen: its sequence number, latency and the version that first carried it. */
    record Delivery(long seq, String service, long writtenAtNanos, long latencyNanos, String version) {
    }

    private static final class Pending {
        final long seq;
        final long startedAt;
        long writtenAt = -1;

        Pending(long seq, long startedAt) {
            this.seq = seq;
            this.startedAt = startedAt;
        }
    }

    private final MeshServer server;
    private final Map<String, Deque<Pending>> pending = new HashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    /** Every ServiceEntry version this client received, in order: which version came after which. */
    private final Map<String, Integer> versionOrder = new LinkedHashMap<>();

    ChangeTracker(MeshServer server) {
        this.server = server;
    }

    @Override
    public synchronized void expect(String service, long seq, Instance changed) {
        pending.computeIfAbsent(service, s -> new ArrayDeque<>()).add(new Pending(seq, System.nanoTime()));
    }

    @Override
    public synchronized void written(String service, long seq, long returnedAt) {
        for (Pending p : pending.getOrDefault(service, new ArrayDeque<>())) {
            if (p.seq == seq) {
                p.writtenAt = returnedAt;
                return;
            }
        }
        // Already delivered before the call returned: its latency is counted as zero.
        for (int i = deliveries.size() - 1; i >= 0; i--) {
            Delivery d = deliveries.get(i);
            if (d.seq() == seq) {
                deliveries.set(i, new Delivery(seq, service, returnedAt, 0, d.version()));
                return;
            }
        }
    }

    synchronized void onServiceEntries(long arrivedAt, String version, DiscoveryResponse response) {
        versionOrder.putIfAbsent(version, versionOrder.size());
        if (pending.isEmpty()) {
            return;
        }
        Map<String, String> wanted = new HashMap<>();
        for (String service : pending.keySet()) {
            wanted.put(server.resourceName(service), service);
        }
        for (Any any : response.getResourcesList()) {
            Resource resource = parse(any);
            String service = wanted.get(resource.getMetadata().getName());
            if (service == null) {
                continue;
            }
            long shown = highestSeq(resource);
            Deque<Pending> queue = pending.get(service);
            while (!queue.isEmpty() && queue.peekFirst().seq <= shown) {
                Pending p = queue.pollFirst();
                long from = p.writtenAt >= 0 ? p.writtenAt : arrivedAt;
                deliveries.add(new Delivery(p.seq, service, from, Math.max(0, arrivedAt - from), version));
            }
            if (queue.isEmpty()) {
                pending.remove(service);
            }
        }
    }

    synchronized List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    /** Changes not seen yet. */
    synchronized int undelivered() {
        return pending.values().stream().mapToInt(Deque::size).sum();
    }

    /** The position of a version among those this client received, or -1 if it never received it. */
    synchronized int orderOf(String version) {
        return versionOrder.getOrDefault(version, -1);
    }

    synchronized void clear() {
        pending.clear();
        deliveries.clear();
    }

    private static Resource parse(Any any) {
        try {
            return Resource.parseFrom(any.getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not an istio.mcp.v1alpha1.Resource: " + any.getTypeUrl(), e);
        }
    }

    private static long highestSeq(Resource resource) {
        ServiceEntry entry;
        try {
            entry = ServiceEntry.parseFrom(resource.getBody().getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("body of " + resource.getMetadata().getName() + " is not a ServiceEntry", e);
        }
        long highest = -1;
        for (WorkloadEntry endpoint : entry.getEndpointsList()) {
            String seq = endpoint.getLabelsMap().get(SEQ_LABEL);
            if (seq != null) {
                highest = Math.max(highest, Long.parseLong(seq));
            }
        }
        return highest;
    }
}
