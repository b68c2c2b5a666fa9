package io.nacosistio.plugin.readiness;

import io.nacosistio.plugin.source.ReadinessProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Holds the plugin's answers to istiod until this node's data is complete. istiod treats every answer as
 * the whole set of a kind, so a node that answered while Distro was still loading the other nodes'
 * instances would make istiod delete them for the whole mesh.
 *
 * <p>The sequence: {@link #checkAtStart()} runs before the indexes take their first snapshot. When every
 * probe is ready then (a standalone Nacos, or a node whose cluster data is already in), the gate opens at
 * once and costs nothing. Otherwise it waits: {@link #awaitInBackground} checks the probes every
 * {@code pollMillis}; once all are ready it asks for a catch-up (a full re-read of every source, published
 * before it reports back), so the first answer holds what the node received while it waited; then it opens.
 * Whatever happens, it opens at {@code maxWaitMillis} after the start with what the node has, and says so
 * with a warning naming what was not ready. A probe that cannot know ({@link ReadinessProbe.Check.State#UNKNOWN})
 * makes the gate wait for the whole bound. Once open it never closes again: what has been answered is not
 * withdrawn.
 *
 * <p>Pure: the clock and the scheduler are injected. Thread-safe: its transitions are guarded by this
 * object's lock; {@code open} and the catch-up are called without it.
 */
public final class ReadinessGate {

    /** Runs a task once after a delay, on a thread of its own. */
    public interface Scheduler {
        void schedule(Runnable task, long delayMillis);
    }

    /** Re-reads every source and publishes the result; then runs {@code whenDone} (on any thread). */
    public interface CatchUp {
        void run(Runnable whenDone);
    }

    /** Where the gate is. */
    public enum State {
        /** {@code nacos.mesh.readiness.max-wait} is 0: answers are never held. */
        DISABLED,
        /** Not yet checked. */
        STARTING,
        /** Answers held: some part of the data is not complete. */
        WAITING,
        /** Every part is complete; the indexes re-read every source before the gate opens. */
        CATCHING_UP,
        /** Answering istiod. */
        OPEN
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessGate.class);
    static final String PROPERTY = "nacos.mesh.readiness.max-wait";

    private final List<ReadinessProbe> probes;
    private final long maxWaitMillis;
    private final long pollMillis;
    private final LongSupplier clockMillis;
    private final Scheduler scheduler;
    private final Runnable open;

    private State state = State.STARTING;
    private long startedAt;
    private long waitedMillis;
    private boolean timedOut;
    private List<String> notReadyWhenOpened = Collections.emptyList();
    private List<PartView> lastChecks = Collections.emptyList();
    private CatchUp catchUp;

    /**
     * @param probes        the parts of this node's data, in the order they are reported
     * @param maxWaitMillis the longest answers are held; 0 or less turns the gate off
     * @param clockMillis   a monotonic clock in milliseconds
     * @param open          releases the held answers (called once, without this object's lock)
     */
    public ReadinessGate(List<ReadinessProbe> probes, long maxWaitMillis, long pollMillis, LongSupplier clockMillis,
            Scheduler scheduler, Runnable open) {
        this.probes = Collections.unmodifiableList(new ArrayList<>(probes));
        this.maxWaitMillis = maxWaitMillis;
        this.pollMillis = Math.max(1, pollMillis);
        this.clockMillis = clockMillis;
        this.scheduler = scheduler;
        this.open = open;
    }

    /**
     * Checks every part once, before the first snapshot. Opens the gate (and returns {@link State#OPEN} or
     * {@link State#DISABLED}) when there is nothing to wait for; otherwise returns {@link State#WAITING} and
     * logs one line naming what is awaited.
     */
    public State checkAtStart() {
        boolean openNow;
        synchronized (this) {
            if (state != State.STARTING) {
                throw new IllegalStateException("already checked: " + state);
            }
            startedAt = clockMillis.getAsLong();
            if (maxWaitMillis <= 0) {
                state = State.DISABLED;
                LOG.info("nacos-istio-plugin: readiness gate off ({}=0): istiod is answered with whatever this node "
                        + "holds from the start", PROPERTY);
                openNow = true;
            } else {
                List<PartView> checks = checkAll();
                List<String> notReady = notReady(checks);
                if (notReady.isEmpty()) {
                    state = State.OPEN;
                    LOG.info("nacos-istio-plugin: this node's data is complete at start ({})", describe(checks));
                    openNow = true;
                } else {
                    state = State.WAITING;
                    List<String> unknown = unknown(checks);
                    if (unknown.isEmpty()) {
                        LOG.info("nacos-istio-plugin: holding MCP answers until this node's data is complete (at most "
                                + "{} ms, {}); waiting for {}", maxWaitMillis, PROPERTY, String.join("; ", notReady));
                    } else {
                        LOG.warn("nacos-istio-plugin: the readiness of {} cannot be known on this Nacos; MCP answers are "
                                + "held for the whole {} ({} ms) before istiod is answered. Waiting for {}",
                                String.join(", ", unknown), PROPERTY, maxWaitMillis, String.join("; ", notReady));
                    }
                    openNow = false;
                }
            }
        }
        if (openNow) {
            open.run();
        }
        return openNow ? (maxWaitMillis <= 0 ? State.DISABLED : State.OPEN) : State.WAITING;
    }

    /** While waiting, checks the parts every poll interval and opens as described above. */
    public void awaitInBackground(CatchUp catchUp) {
        synchronized (this) {
            this.catchUp = catchUp;
            if (state != State.WAITING) {
                return;
            }
        }
        scheduler.schedule(this::poll, Math.min(pollMillis, remaining()));
    }

    /** One check while waiting or catching up; reschedules itself until the gate is open. */
    void poll() {
        CatchUp startCatchUp = null;
        boolean openNow = false;
        synchronized (this) {
            if (state != State.WAITING && state != State.CATCHING_UP) {
                return;
            }
            long now = clockMillis.getAsLong();
            if (state == State.WAITING) {
                List<PartView> checks = checkAll();
                if (notReady(checks).isEmpty()) {
                    state = State.CATCHING_UP;
                    startCatchUp = catchUp;
                }
            }
            if (startCatchUp == null && now - startedAt >= maxWaitMillis) {
                openNow = timeOut(now);
            }
        }
        if (openNow) {
            open.run();
            return;
        }
        if (startCatchUp != null) {
            try {
                startCatchUp.run(this::caughtUp);
            } catch (RuntimeException e) {
                // The deadline below still opens the gate.
                LOG.warn("nacos-istio-plugin: re-reading every source after the data became complete failed", e);
            }
        }
        long delay;
        synchronized (this) {
            if (state == State.OPEN) {
                return;
            }
            // While catching up only the deadline is watched.
            delay = state == State.CATCHING_UP ? remaining() : Math.min(pollMillis, remaining());
        }
        scheduler.schedule(this::poll, Math.max(1, delay));
    }

    private void caughtUp() {
        synchronized (this) {
            if (state != State.CATCHING_UP) {
                return;
            }
            state = State.OPEN;
            waitedMillis = clockMillis.getAsLong() - startedAt;
            LOG.info("nacos-istio-plugin: this node's data is complete after {} ms ({}); answering istiod",
                    waitedMillis, describe(lastChecks));
        }
        open.run();
    }

    /** Called with the lock held. */
    private boolean timeOut(long now) {
        waitedMillis = now - startedAt;
        timedOut = true;
        List<String> notReady = state == State.CATCHING_UP
                ? Collections.singletonList("the re-read of every source after all parts became ready")
                : notReady(lastChecks);
        notReadyWhenOpened = Collections.unmodifiableList(new ArrayList<>(notReady));
        state = State.OPEN;
        LOG.warn("nacos-istio-plugin: this node's data is still not complete after {} ms ({}); answering istiod with "
                + "what this node holds, which may lack services other nodes serve. Not ready: {}", waitedMillis,
                PROPERTY, String.join("; ", notReady));
        return true;
    }

    private long remaining() {
        return Math.max(1, maxWaitMillis - (clockMillis.getAsLong() - startedAt));
    }

    private List<PartView> checkAll() {
        List<PartView> checks = new ArrayList<>();
        for (ReadinessProbe probe : probes) {
            checks.add(checkSafely(probe));
        }
        lastChecks = Collections.unmodifiableList(checks);
        return checks;
    }

    private static PartView checkSafely(ReadinessProbe probe) {
        ReadinessProbe.Check check;
        try {
            check = probe.check();
        } catch (RuntimeException e) {
            check = ReadinessProbe.Check.notReady("the check failed: " + e);
        }
        return new PartView(probe.part(), check.state().name(), check.detail());
    }

    private static List<String> notReady(List<PartView> checks) {
        List<String> result = new ArrayList<>();
        for (PartView c : checks) {
            if (!c.ready()) {
                result.add(c.part() + " (" + c.detail() + ")");
            }
        }
        return result;
    }

    private static List<String> unknown(List<PartView> checks) {
        List<String> result = new ArrayList<>();
        for (PartView c : checks) {
            if (c.state().equals(ReadinessProbe.Check.State.UNKNOWN.name())) {
                result.add(c.part() + " (" + c.detail() + ")");
            }
        }
        return result;
    }

    private static String describe(List<PartView> checks) {
        List<String> parts = new ArrayList<>();
        for (PartView c : checks) {
            parts.add(c.part() + ": " + c.detail());
        }
        return String.join("; ", parts);
    }

    /** Whether answers are held now. */
    public synchronized boolean holding() {
        return state == State.STARTING || state == State.WAITING || state == State.CATCHING_UP;
    }

    /**
     * The gate for the debug view and metrics: its state, how long it waited (so far), and every part checked
     * now (after the gate opened, the parts are still checked live, for monitoring).
     */
    public ReadinessView view() {
        State current;
        long waited;
        boolean timedOutNow;
        List<String> notReadyAtOpen;
        synchronized (this) {
            current = state;
            waited = holding() && state != State.STARTING ? clockMillis.getAsLong() - startedAt : waitedMillis;
            timedOutNow = timedOut;
            notReadyAtOpen = notReadyWhenOpened;
        }
        List<PartView> parts = new ArrayList<>();
        for (ReadinessProbe probe : probes) {
            parts.add(checkSafely(probe));
        }
        return new ReadinessView(current.name(), current == State.OPEN || current == State.DISABLED, waited,
                Math.max(0, maxWaitMillis), timedOutNow, notReadyAtOpen, parts);
    }

    /** One part as last checked. Immutable. */
    public static final class PartView {
        private final String part;
        private final String state;
        private final String detail;

        PartView(String part, String state, String detail) {
            this.part = part;
            this.state = state;
            this.detail = detail;
        }

        public String part() {
            return part;
        }

        /** READY, NOT_READY or UNKNOWN. */
        public String state() {
            return state;
        }

        public String detail() {
            return detail;
        }

        public boolean ready() {
            return state.equals(ReadinessProbe.Check.State.READY.name());
        }
    }
}
