package io.nacosistio.plugin.source;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Tells whether one part of this Nacos node's data is complete: for instance the ephemeral instances Distro
 * loads from the other nodes at start, or the persistent ones JRaft replays. A node whose data is not
 * complete must not answer istiod yet, as istiod deletes whatever an answer lacks.
 *
 * <p>Implementations are cheap and safe from any thread, and never throw: a failing check reports
 * {@link Check.State#NOT_READY} with the reason.
 */
public interface ReadinessProbe {

    /** A short stable name of the part, e.g. {@code naming-ephemeral}; used in logs, the debug view and metrics. */
    String part();

    /** The part's state now. */
    Check check();

    /** The probe of {@code part} whose state {@code check} reads; {@code check} keeps the contract above. */
    static ReadinessProbe of(String part, Supplier<Check> check) {
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(check, "check");
        return new ReadinessProbe() {
            @Override
            public String part() {
                return part;
            }

            @Override
            public Check check() {
                return check.get();
            }
        };
    }

    /** A probe whose answer never changes. */
    static ReadinessProbe fixed(String part, Check check) {
        return of(part, () -> check);
    }

    /** One check's result. Immutable. */
    final class Check {

        /** READY and NOT_READY come from Nacos; UNKNOWN means this Nacos offers no way to tell. */
        public enum State { READY, NOT_READY, UNKNOWN }

        private final State state;
        private final String detail;

        private Check(State state, String detail) {
            this.state = Objects.requireNonNull(state, "state");
            this.detail = detail == null ? "" : detail;
        }

        public static Check ready(String detail) {
            return new Check(State.READY, detail);
        }

        public static Check notReady(String detail) {
            return new Check(State.NOT_READY, detail);
        }

        public static Check unknown(String detail) {
            return new Check(State.UNKNOWN, detail);
        }

        public State state() {
            return state;
        }

        public boolean isReady() {
            return state == State.READY;
        }

        /** What Nacos reported, in words (never null). */
        public String detail() {
            return detail;
        }

        @Override
        public String toString() {
            return state + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }
}
