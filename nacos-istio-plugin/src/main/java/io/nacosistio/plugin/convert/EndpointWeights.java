package io.nacosistio.plugin.convert;

import java.util.List;

/**
 * Nacos instance weights → Envoy endpoint weights that keep their ratios. Nacos weights are decimals
 * from 0 to 10000 (0.1 for a canary is common); each becomes {@code round(weight × 100)}, at least 1, so
 * ratios survive to two decimals. Envoy requires the weights of a service's endpoints to sum to at most
 * {@link #MAX_TOTAL} (uint32): a service that would exceed it has every weight scaled down by the same
 * factor (each still at least 1), which keeps the ratios. Pure functions.
 */
final class EndpointWeights {

    /** Envoy's limit on the sum of endpoint weights (uint32 max). */
    static final long MAX_TOTAL = 0xFFFF_FFFFL;
    /** Nacos's largest instance weight; anything above (or not finite) counts as this. */
    static final double MAX_NACOS_WEIGHT = 10_000;
    static final int SCALE = 100;

    private EndpointWeights() {
    }

    /**
     * The endpoint weight of each Nacos weight, in the same order, as unsigned 32-bit values held in
     * {@code long}s (cast to {@code int} for the protobuf field).
     */
    static long[] of(List<Double> nacosWeights) {
        int n = nacosWeights.size();
        long[] weights = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = scaled(nacosWeights.get(i));
            total += weights[i];
        }
        if (total <= MAX_TOTAL) {
            return weights;
        }
        // Every weight is raised to 1 at most, so aiming at MAX_TOTAL - n keeps the sum within the limit.
        double factor = (double) (MAX_TOTAL - n) / total;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(1, (long) Math.floor(weights[i] * factor));
        }
        return weights;
    }

    /** One Nacos weight × 100, rounded, at least 1, at most 10000 × 100. */
    static long scaled(double nacosWeight) {
        double w = Double.isNaN(nacosWeight) ? 0 : Math.min(MAX_NACOS_WEIGHT, nacosWeight);
        return Math.max(1, Math.round(w * SCALE));
    }
}
