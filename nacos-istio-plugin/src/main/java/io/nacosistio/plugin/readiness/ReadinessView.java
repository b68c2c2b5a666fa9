package io.nacosistio.plugin.readiness;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The readiness gate at one moment, for the debug view and metrics. Immutable. */
public final class ReadinessView {

    private final String state;
    private final boolean answering;
    private final long waitedMillis;
    private final long maxWaitMillis;
    private final boolean timedOut;
    private final List<String> notReadyWhenOpened;
    private final List<ReadinessGate.PartView> parts;

    ReadinessView(String state, boolean answering, long waitedMillis, long maxWaitMillis, boolean timedOut,
            List<String> notReadyWhenOpened, List<ReadinessGate.PartView> parts) {
        this.state = state;
        this.answering = answering;
        this.waitedMillis = waitedMillis;
        this.maxWaitMillis = maxWaitMillis;
        this.timedOut = timedOut;
        this.notReadyWhenOpened = Collections.unmodifiableList(notReadyWhenOpened);
        this.parts = Collections.unmodifiableList(parts);
    }

    /** DISABLED, STARTING, WAITING, CATCHING_UP or OPEN. */
    public String state() {
        return state;
    }

    /** False while istiod's streams get no answer. */
    public boolean answering() {
        return answering;
    }

    /** How long answers were held (so far, while waiting); 0 when the data was complete at start. */
    public long waitedMillis() {
        return waitedMillis;
    }

    public long maxWaitMillis() {
        return maxWaitMillis;
    }

    /** True when the gate opened at the bound with some part not ready. */
    public boolean timedOut() {
        return timedOut;
    }

    /** What was not ready when the gate opened at the bound; empty otherwise. */
    public List<String> notReadyWhenOpened() {
        return notReadyWhenOpened;
    }

    /** Every part, checked when this view was taken. */
    public List<ReadinessGate.PartView> parts() {
        return parts;
    }

    /** 1 for each ready part, 0 for the others, by part name. */
    public Map<String, Integer> readyByPart() {
        Map<String, Integer> result = new LinkedHashMap<>();
        for (ReadinessGate.PartView p : parts) {
            result.put(p.part(), p.ready() ? 1 : 0);
        }
        return result;
    }
}
