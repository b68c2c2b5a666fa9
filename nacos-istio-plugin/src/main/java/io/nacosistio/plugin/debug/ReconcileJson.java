package io.nacosistio.plugin.debug;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.nacosistio.plugin.metrics.ReconcileMetrics;
import io.nacosistio.plugin.reconcile.BatchRecord;
import io.nacosistio.plugin.reconcile.Reason;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code /debug/reconcile} page: per pipeline (registry, config center), the keys reconciled so far by
 * reason, the keys whose reconciliation threw, and the last batches with why each key was in them.
 */
public final class ReconcileJson {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ReconcileJson() {
    }

    /** One pipeline as the page shows it; {@code batches} gives an empty list while the pipeline does not run. */
    public static final class Pipeline {
        final String name;
        final ReconcileMetrics metrics;
        final Supplier<List<BatchRecord>> batches;

        public Pipeline(String name, ReconcileMetrics metrics, Supplier<List<BatchRecord>> batches) {
            this.name = name;
            this.metrics = metrics;
            this.batches = batches;
        }
    }

    public static String render(List<Pipeline> pipelines) {
        JsonObject root = new JsonObject();
        for (Pipeline p : pipelines) {
            JsonObject pipeline = new JsonObject();
            JsonObject keys = new JsonObject();
            for (Map.Entry<String, Long> e : p.metrics.keysByReason().entrySet()) {
                keys.addProperty(e.getKey(), e.getValue());
            }
            pipeline.add("keysByReason", keys);
            pipeline.addProperty("keyFailures", p.metrics.keyFailures.get());
            pipeline.addProperty("batches", p.metrics.batches.get());
            JsonArray recent = new JsonArray();
            for (BatchRecord b : p.batches.get()) {
                JsonObject batch = new JsonObject();
                batch.addProperty("number", b.number());
                batch.addProperty("keys", b.keys());
                JsonObject reasons = new JsonObject();
                for (Map.Entry<Reason, Integer> e : b.keysByReason().entrySet()) {
                    reasons.addProperty(e.getKey().label(), e.getValue());
                }
                batch.add("reasons", reasons);
                batch.addProperty("failures", b.failures());
                batch.addProperty("millis", b.nanos() / 1e6);
                JsonArray first = new JsonArray();
                for (String key : b.firstKeys()) {
                    first.add(key);
                }
                batch.add("firstKeys", first);
                recent.add(batch);
            }
            pipeline.add("recentBatches", recent);
            root.add(p.name, pipeline);
        }
        return GSON.toJson(root);
    }
}
