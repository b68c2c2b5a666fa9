package io.nacosistio.plugin.configcenter;

import io.nacosistio.plugin.document.DocumentProblem;
import io.nacosistio.plugin.source.ConfigKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A document (or a whole content) that was not accepted, why, and what is served in its place. */
public final class RefusedDocument {

    private final ConfigKey config;
    private final List<DocumentProblem> problems;
    private final ResourceId id;
    private final String servedVersion;
    private final long sinceEpochMillis;

    RefusedDocument(ConfigKey config, List<DocumentProblem> problems, ResourceId id, String servedVersion,
            long sinceEpochMillis) {
        this.config = config;
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
        this.id = id;
        this.servedVersion = servedVersion;
        this.sinceEpochMillis = sinceEpochMillis;
    }

    public ConfigKey config() {
        return config;
    }

    public List<DocumentProblem> problems() {
        return problems;
    }

    /** The resource the document names, or null when its kind or name could not be read. */
    public ResourceId id() {
        return id;
    }

    /** The version still served from the last accepted content, or null when nothing is served for it. */
    public String servedVersion() {
        return servedVersion;
    }

    public long sinceEpochMillis() {
        return sinceEpochMillis;
    }

    /** One line per problem, prefixed with the config, for the log. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (DocumentProblem p : problems) {
            lines.add(config + " " + p);
        }
        return lines;
    }

    /** What happens instead, for the log and the debug view. */
    public String consequence() {
        if (servedVersion != null) {
            return "the last accepted version (" + servedVersion + ") stays served";
        }
        return id == null ? "nothing new from this config is served until it is fixed" : "not served";
    }
}
