package io.nacosistio.plugin.debug;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.nacosistio.plugin.configcenter.ConfigCenterView;
import io.nacosistio.plugin.configcenter.RefusedDocument;
import io.nacosistio.plugin.configcenter.ServedDocument;
import io.nacosistio.plugin.document.DocumentProblem;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.ConfigKey;

import java.util.List;
import java.util.Map;

/**
 * The {@code /debug/config} page: every config holding Istio documents with what each document became,
 * every refused document with its problems and what is served instead, documents that lost a name
 * collision, and registry ServiceEntries replaced by config-center ones.
 */
public final class ConfigCenterJson {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ConfigCenterJson() {
    }

    /** @param view null when the config center is not running */
    public static String render(ConfigCenterView view, Map<IstioKind, List<String>> shadowed, boolean enabled) {
        JsonObject root = new JsonObject();
        root.addProperty("enabled", enabled && view != null);
        if (view == null) {
            return GSON.toJson(root);
        }
        JsonArray configs = new JsonArray();
        for (Map.Entry<ConfigKey, List<ServedDocument>> e : view.documents().entrySet()) {
            JsonObject config = key(e.getKey());
            JsonArray docs = new JsonArray();
            for (ServedDocument d : e.getValue()) {
                JsonObject doc = new JsonObject();
                doc.addProperty("document", d.index());
                doc.addProperty("kind", d.id().kind().kindName());
                doc.addProperty("name", d.id().name());
                doc.addProperty("version", d.resource().version());
                doc.addProperty("retainedAfterRefusedUpdate", d.retained());
                docs.add(doc);
            }
            config.add("documents", docs);
            configs.add(config);
        }
        root.add("configs", configs);
        JsonArray refused = new JsonArray();
        for (RefusedDocument r : view.refused()) {
            JsonObject item = key(r.config());
            if (r.id() != null) {
                item.addProperty("kind", r.id().kind().kindName());
                item.addProperty("name", r.id().name());
            }
            item.addProperty("consequence", r.consequence());
            item.addProperty("sinceEpochMillis", r.sinceEpochMillis());
            JsonArray problems = new JsonArray();
            for (DocumentProblem p : r.problems()) {
                JsonObject problem = new JsonObject();
                problem.addProperty("document", p.documentIndex());
                problem.addProperty("field", p.field());
                problem.addProperty("reason", p.reason());
                problem.addProperty("message", r.config() + " " + p);
                problems.add(problem);
            }
            item.add("problems", problems);
            refused.add(item);
        }
        root.add("refused", refused);
        JsonArray collisions = new JsonArray();
        for (ConfigCenterView.Collision c : view.collisions()) {
            JsonObject item = new JsonObject();
            item.addProperty("kind", c.id().kind().kindName());
            item.addProperty("name", c.id().name());
            item.addProperty("served", c.winner().origin());
            JsonArray losers = new JsonArray();
            for (ServedDocument loser : c.losers()) {
                losers.add(loser.origin());
            }
            item.add("ignored", losers);
            collisions.add(item);
        }
        root.add("collisions", collisions);
        JsonArray replaced = new JsonArray();
        for (Map.Entry<IstioKind, List<String>> e : shadowed.entrySet()) {
            for (String name : e.getValue()) {
                JsonObject item = new JsonObject();
                item.addProperty("kind", e.getKey().kindName());
                item.addProperty("name", name);
                item.addProperty("reason", "a config-center document of the same name replaces the one derived "
                        + "from the registry");
                replaced.add(item);
            }
        }
        root.add("replacedRegistryResources", replaced);
        return GSON.toJson(root);
    }

    private static JsonObject key(ConfigKey key) {
        JsonObject o = new JsonObject();
        o.addProperty("namespace", key.namespaceId());
        o.addProperty("group", key.group());
        o.addProperty("dataId", key.dataId());
        return o;
    }
}
