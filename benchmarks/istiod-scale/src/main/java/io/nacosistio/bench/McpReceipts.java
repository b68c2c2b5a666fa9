package io.nacosistio.bench;

import com.alibaba.nacos.api.naming.pojo.Instance;
import io.nacosistio.it.istiod.IstiodLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits change → EDS at 1 change/s in two: write → the MCP istiod receives the ServiceEntry response holding the
 * change (the plugin's debounce, reading and publishing, the bytes on the wire), and that receipt → the first EDS
 * response holding it at a sidecar (istiod decoding and storing the set, its own debounce, the push). istiod logs
 * each response it receives ({@code adsc Received type=networking.istio.io/v1/ServiceEntry}) before handling it;
 * the harness stamps every log line with this JVM's clock as it reads it. A change is taken to be in the first
 * ServiceEntry response logged after its write returned: true at 1 change/s, where the plugin sends one response
 * per change and none is on its way when the next change is written (MCP responses / change shows it).
 *
 * <p>Threads: writes are recorded on driver threads; the split is computed after the window; guarded by this
 * object's lock.
 */
final class McpReceipts implements ChangeListener {

    private static final String RECEIVED = "Received";
    private static final String SERVICE_ENTRIES = "type=networking.istio.io/v1/ServiceEntry ";

    /** The two legs, each over the changes that made it through both. */
    record Split(Distribution writeToIstiod, Distribution istiodToEds) {
    }

    private final Map<Long, Long> writtenAt = new TreeMap<>();

    @Override
    public void expect(String service, long seq, Instance changed) {
    }

    @Override
    public synchronized void written(String service, long seq, long returnedAtNanos) {
        writtenAt.put(seq, returnedAtNanos);
    }

    synchronized void clear() {
        writtenAt.clear();
    }

    /** The split of the changes written since the last {@link #clear}, against the sidecars' first deliveries. */
    synchronized Split split(IstiodLog log, List<EdsTracker.Window> sidecars) {
        List<Long> receipts = new ArrayList<>();
        for (IstiodLog.Line line : log.lines()) {
            if (line.text().contains(RECEIVED) && line.text().contains(SERVICE_ENTRIES)) {
                receipts.add(line.nanoTime());
            }
        }
        List<Long> toIstiod = new ArrayList<>();
        List<Long> toEds = new ArrayList<>();
        writtenAt.forEach((seq, written) -> {
            Long received = receipts.stream().filter(r -> r >= written).findFirst().orElse(null);
            Long eds = sidecars.stream().map(w -> w.deliveredAtNanos().get(seq)).filter(t -> t != null)
                    .min(Long::compare).orElse(null);
            if (received != null && eds != null && eds >= received) {
                toIstiod.add(received - written);
                toEds.add(eds - received);
            }
        });
        return new Split(Distribution.ofNanos(toIstiod), Distribution.ofNanos(toEds));
    }
}
