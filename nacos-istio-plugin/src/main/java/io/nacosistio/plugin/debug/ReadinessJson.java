package io.nacosistio.plugin.debug;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.nacosistio.plugin.readiness.ReadinessGate;
import io.nacosistio.plugin.readiness.ReadinessView;

/**
 * The {@code /debug/readiness} page: whether the plugin answers istiod yet, how long it held its answers,
 * and every part of this node's data as checked now.
 */
public final class ReadinessJson {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ReadinessJson() {
    }

    public static String render(ReadinessView view) {
        JsonObject root = new JsonObject();
        root.addProperty("state", view.state());
        root.addProperty("answering", view.answering());
        root.addProperty("waitedMillis", view.waitedMillis());
        root.addProperty("maxWaitMillis", view.maxWaitMillis());
        root.addProperty("timedOut", view.timedOut());
        JsonArray notReady = new JsonArray();
        for (String part : view.notReadyWhenOpened()) {
            notReady.add(part);
        }
        root.add("notReadyWhenOpened", notReady);
        JsonArray parts = new JsonArray();
        for (ReadinessGate.PartView p : view.parts()) {
            JsonObject part = new JsonObject();
            part.addProperty("part", p.part());
            part.addProperty("state", p.state());
            part.addProperty("detail", p.detail());
            parts.add(part);
        }
        root.add("parts", parts);
        return GSON.toJson(root);
    }
}
