package io.nacosistio.plugin.resource;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code istio.io/rev} label that scopes served resources to one istiod revision: an istiod started
 * with {@code REVISION=<rev>} keeps resources labelled with its revision or not labelled at all, and
 * ignores those labelled with another. Pure.
 */
public final class RevisionLabel {

    public static final String KEY = "istio.io/rev";

    private RevisionLabel() {
    }

    /**
     * The labels with {@code istio.io/rev=<revision>} added; unchanged when the revision is empty or the
     * labels already carry their own {@code istio.io/rev}.
     */
    public static Map<String, String> apply(Map<String, String> labels, String revision) {
        if (revision == null || revision.isEmpty() || labels.containsKey(KEY)) {
            return labels;
        }
        Map<String, String> labelled = new TreeMap<>(labels);
        labelled.put(KEY, revision);
        return Collections.unmodifiableMap(labelled);
    }
}
