package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.source.ConfigKey;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** An immutable picture of the config-center index, for the debug view and metrics. */
public final class ConfigCenterView {

    /** Several documents claiming one resource: the one served and the ones ignored. */
    public static final class Collision {
        private final ResourceId id;
        private final ServedDocument winner;
        private final List<ServedDocument> losers;

        Collision(ResourceId id, ServedDocument winner, List<ServedDocument> losers) {
            this.id = id;
            this.winner = winner;
            this.losers = Collections.unmodifiableList(losers);
        }

        public ResourceId id() {
            return id;
        }

        public ServedDocument winner() {
            return winner;
        }

        public List<ServedDocument> losers() {
            return losers;
        }
    }

    private final Map<ConfigKey, List<ServedDocument>> documents;
    private final List<RefusedDocument> refused;
    private final List<Collision> collisions;

    ConfigCenterView(Map<ConfigKey, List<ServedDocument>> documents, List<RefusedDocument> refused,
            List<Collision> collisions) {
        this.documents = Collections.unmodifiableMap(documents);
        this.refused = Collections.unmodifiableList(refused);
        this.collisions = Collections.unmodifiableList(collisions);
    }

    static ConfigCenterView empty() {
        return new ConfigCenterView(Collections.<ConfigKey, List<ServedDocument>>emptyMap(),
                Collections.<RefusedDocument>emptyList(), Collections.<Collision>emptyList());
    }

    /** Every config holding Istio documents, with the documents it declares (served or retained). */
    public Map<ConfigKey, List<ServedDocument>> documents() {
        return documents;
    }

    public List<RefusedDocument> refused() {
        return refused;
    }

    public List<Collision> collisions() {
        return collisions;
    }
}
