package io.nacosistio.plugin.reconcile;

/**
 * When a {@link ChangeDebouncer} hands changes over: after the quiet period with no further change, at the
 * latest after the max delay, and, with the leading edge on, at once for the first change after the
 * registry has been quiet for a whole quiet period.
 */
public final class Debounce {

    final long quietMillis;
    final long maxDelayMillis;
    final boolean leadingEdge;

    private Debounce(long quietMillis, long maxDelayMillis, boolean leadingEdge) {
        if (quietMillis < 0 || maxDelayMillis < quietMillis) {
            throw new IllegalArgumentException(
                    "need 0 <= quiet period <= max delay, got " + quietMillis + " ms and " + maxDelayMillis + " ms");
        }
        this.quietMillis = quietMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.leadingEdge = leadingEdge;
    }

    /** Every change waits for quiet (bounded by the max delay). */
    public static Debounce trailing(long quietMillis, long maxDelayMillis) {
        return new Debounce(quietMillis, maxDelayMillis, false);
    }

    /** As {@link #trailing}, but a change after a quiet spell is handed over at once. */
    public static Debounce leading(long quietMillis, long maxDelayMillis) {
        return new Debounce(quietMillis, maxDelayMillis, true);
    }

    public static Debounce of(long quietMillis, long maxDelayMillis, boolean leadingEdge) {
        return new Debounce(quietMillis, maxDelayMillis, leadingEdge);
    }

    @Override
    public String toString() {
        return "quiet " + quietMillis + " ms, max delay " + maxDelayMillis + " ms"
                + (leadingEdge ? ", leading edge" : "");
    }
}
