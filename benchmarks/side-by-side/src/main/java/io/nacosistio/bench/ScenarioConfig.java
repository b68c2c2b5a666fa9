package io.nacosistio.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sizes and durations of one benchmark run; {@link #quick()} and {@link #full()} are the two presets, and any
 * field can be overridden with {@code --name value} (e.g. {@code --services 2000}). {@code heapJvms} adds the
 * separate heap runs (one Nacos each with neither server, only the plugin, only the built-in module);
 * {@code warmUpChanges} are made at the churn rate before anything is measured, so that both servers are
 * measured in their steady state (code compiled by the JIT), as in a Nacos that has run for a while;
 * {@code builtIn} false leaves Nacos's built-in module off, to see the plugin without the module's busy loops
 * on the same cores.
 */
record ScenarioConfig(int services, int endpoints, int largeServices, int clients, int warmUpChanges,
        int latencyChanges, double churnRate, int churnSeconds, int idleSeconds, int stallStreams, int stallChanges,
        int fullSyncRuns, boolean heapJvms, boolean builtIn, String mode) {

    static ScenarioConfig quick() {
        return new ScenarioConfig(200, 10, 1000, 10, 1000, 30, 200, 20, 20, 10, 15, 3, false, true, "quick");
    }

    static ScenarioConfig full() {
        return new ScenarioConfig(1000, 10, 10000, 10, 3000, 60, 200, 60, 60, 100, 30, 5, true, true, "full");
    }

    Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("services", Integer.toString(services));
        m.put("endpoints", Integer.toString(endpoints));
        m.put("large-services", Integer.toString(largeServices));
        m.put("clients", Integer.toString(clients));
        m.put("warm-up-changes", Integer.toString(warmUpChanges));
        m.put("latency-changes", Integer.toString(latencyChanges));
        m.put("churn-rate", Double.toString(churnRate));
        m.put("churn-seconds", Integer.toString(churnSeconds));
        m.put("idle-seconds", Integer.toString(idleSeconds));
        m.put("stall-streams", Integer.toString(stallStreams));
        m.put("stall-changes", Integer.toString(stallChanges));
        m.put("full-sync-runs", Integer.toString(fullSyncRuns));
        m.put("heap-jvms", Boolean.toString(heapJvms));
        m.put("built-in", Boolean.toString(builtIn));
        m.put("mode", mode);
        return m;
    }

    /** Applies {@code --name value} overrides to this preset. */
    ScenarioConfig with(Map<String, String> overrides) {
        Map<String, String> m = asMap();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown option --" + e.getKey() + "; known: " + m.keySet());
            }
            m.put(e.getKey(), e.getValue());
        }
        return fromMap(m);
    }

    static ScenarioConfig fromMap(Map<String, String> m) {
        ScenarioConfig c = new ScenarioConfig(positive(m, "services"), positive(m, "endpoints"),
                positive(m, "large-services"), positive(m, "clients"), positive(m, "warm-up-changes"),
                positive(m, "latency-changes"), Double.parseDouble(m.get("churn-rate")), positive(m, "churn-seconds"),
                positive(m, "idle-seconds"),
                positive(m, "stall-streams"), positive(m, "stall-changes"), positive(m, "full-sync-runs"),
                bool(m, "heap-jvms"), bool(m, "built-in"), m.get("mode"));
        if (c.stallStreams < 3) {
            throw new IllegalArgumentException("--stall-streams must be at least 3 (one measuring, one stalled, others)");
        }
        if (c.churnRate <= 0) {
            throw new IllegalArgumentException("--churn-rate must be positive");
        }
        return c;
    }

    private static boolean bool(Map<String, String> m, String key) {
        String v = m.get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + key + " must be true or false, got " + v);
        }
        return Boolean.parseBoolean(v);
    }

    private static int positive(Map<String, String> m, String key) {
        int v;
        try {
            v = Integer.parseInt(m.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a whole number, got " + m.get(key));
        }
        if (v <= 0) {
            throw new IllegalArgumentException("--" + key + " must be positive, got " + v);
        }
        return v;
    }
}
