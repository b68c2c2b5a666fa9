package io.nacosistio.plugin.document;

import com.google.gson.JsonObject;

/** One document of a config, parsed from YAML or JSON into a JSON tree, not yet checked. */
public final class RawDocument {

    private final int index;
    private final JsonObject tree;

    RawDocument(int index, JsonObject tree) {
        this.index = index;
        this.tree = tree;
    }

    /** 1-based position in the config. */
    public int index() {
        return index;
    }

    public JsonObject tree() {
        return tree;
    }
}
