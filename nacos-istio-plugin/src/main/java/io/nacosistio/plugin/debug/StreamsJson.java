package io.nacosistio.plugin.debug;

import com.google.gson.GsonBuilder;
import io.nacosistio.plugin.server.StreamInfo;

import java.util.List;

/** Renders the open MCP streams and their per-type protocol state as JSON. */
public final class StreamsJson {

    private StreamsJson() {
    }

    public static String render(List<StreamInfo> streams) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(streams);
    }
}
