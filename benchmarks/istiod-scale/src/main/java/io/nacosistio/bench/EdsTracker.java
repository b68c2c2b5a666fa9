package io.nacosistio.bench;

import com.alibaba.nacos.api.naming.pojo.Instance;
import com.google.protobuf.ByteString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each change reached one sidecar client. A change gives one instance of one service a new address, unique
 * to the change; it is delivered by the first load assignment of that service's cluster whose bytes hold the
 * address (as a SocketAddress {@code address} field: tag, length, text). The registry re-registers a service's
 * whole instance list and a service's changes are serial, so an assignment holding a change holds every change of
 * that service written before it too. Latency runs from the moment the write (registry call or file rename) returned.
 *
 * <p>Threads: changes are expected and written on driver threads, assignments arrive on the client's callback
 * thread; all state is guarded by this object's lock.
 */
final class EdsTracker implements ChangeListener {

    private static final class Pending {
        final long seq;
        final byte[] field;
        final long startedAt;
        long writtenAt = -1;

        Pending(long seq, String address, long startedAt) {
            byte[] text = address.getBytes(StandardCharsets.US_ASCII);
            this.field = new byte[text.length + 2];
            field[0] = 0x12; // SocketAddress.address: field 2, length-delimited
            field[1] = (byte) text.length;
            System.arraycopy(text, 0, field, 2, text.length);
            this.seq = seq;
            this.startedAt = startedAt;
        }
    }

    private final Map<String, Deque<Pending>> pending = new HashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    /** When each change was first delivered to this client: change number to nanoTime. */
    private final Map<Long, Long> deliveredAt = new HashMap<>();

    /** Just before the write that makes change {@code seq}: {@code service}'s instance gets {@code address}. */
    synchronized void expect(String service, long seq, String address) {
        pending.computeIfAbsent(service, s -> new ArrayDeque<>()).add(new Pending(seq, address, System.nanoTime()));
    }

    /** A registry change: the changed instance's address is what the sidecar will see. */
    @Override
    public void expect(String service, long seq, Instance changed) {
        expect(service, seq, changed.getIp());
    }

    /** The moment the write returned. */
    @Override
    public synchronized void written(String service, long seq, long nanos) {
        Deque<Pending> queue = pending.get(service);
        if (queue != null) {
            for (Pending p : queue) {
                if (p.seq == seq) {
                    p.writtenAt = nanos;
                }
            }
        }
    }

    /** A load assignment of {@code cluster} ({@code outbound|<port>||<service>.<group>.<ns>.nacos}) arrived. */
    synchronized void arrived(String cluster, ByteString assignment, long nanos) {
        if (pending.isEmpty()) {
            return;
        }
        int hosts = cluster.indexOf("||");
        if (hosts < 0) {
            return;
        }
        int dot = cluster.indexOf('.', hosts + 2);
        String service = cluster.substring(hosts + 2, dot < 0 ? cluster.length() : dot);
        Deque<Pending> queue = pending.get(service);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        // The queue is in write order (the writes of one service are serial): everything up to the last change
        // this assignment holds has been delivered.
        int held = -1;
        int index = 0;
        for (Pending p : queue) {
            if (contains(assignment, p.field)) {
                held = index;
            }
            index++;
        }
        for (int i = 0; i <= held; i++) {
            Pending p = queue.pollFirst();
            long from = p.writtenAt >= 0 ? p.writtenAt : p.startedAt;
            latencies.add(Math.max(0, nanos - from));
            deliveredAt.put(p.seq, nanos);
        }
        if (queue.isEmpty()) {
            pending.remove(service);
        }
    }

    private static boolean contains(ByteString haystack, byte[] needle) {
        int n = haystack.size() - needle.length;
        outer:
        for (int i = 0; i <= n; i++) {
            if (haystack.byteAt(i) != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack.byteAt(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Latencies of the changes delivered since the last call, and how many are still pending; starts afresh. */
    synchronized Window drain() {
        int undelivered = pending.values().stream().mapToInt(Deque::size).sum();
        Window w = new Window(new ArrayList<>(latencies), new HashMap<>(deliveredAt), undelivered);
        latencies.clear();
        deliveredAt.clear();
        pending.clear();
        return w;
    }

    synchronized int pendingCount() {
        return pending.values().stream().mapToInt(Deque::size).sum();
    }

    /** {@code deliveredAtNanos}: change number to the moment this client first held it. */
    record Window(List<Long> latencyNanos, Map<Long, Long> deliveredAtNanos, int undelivered) {
    }
}
