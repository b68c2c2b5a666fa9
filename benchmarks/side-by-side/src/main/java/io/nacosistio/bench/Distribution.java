package io.nacosistio.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Milliseconds summarised: count and percentiles (nearest rank), with the samples kept for charts. */
record Distribution(int count, double p50, double p90, double p99, double max, List<Double> samplesMillis) {

    static Distribution ofNanos(List<Long> nanos) {
        List<Double> millis = new ArrayList<>();
        for (long n : nanos) {
            millis.add(n / 1e6);
        }
        return ofMillis(millis);
    }

    static Distribution ofMillis(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, sorted);
        }
        return new Distribution(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99),
                sorted.get(sorted.size() - 1), sorted);
    }

    private static double rank(List<Double> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
