package io.nacosistio.plugin.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/mesh-status}: like {@code istioctl proxy-status}, one line per connected istiod and subscribed
 * kind with the version sent, ACKed and NACKed, then the registry services not served and why. Reads the
 * debug endpoint ({@code /debug/readiness}, {@code /debug/streams}, {@code /debug/skipped}); runs on its own
 * JVM from the drop-in jar.
 */
public final class MeshStatus {

    private static final String DEFAULT_URL = "http://127.0.0.1:18849";

    private MeshStatus() {
    }

    public static void main(String[] args) {
        String base = args.length > 0 ? args[0] : DEFAULT_URL;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        try {
            String streams = get(base + "/debug/streams");
            String skipped = get(base + "/debug/skipped");
            String readiness;
            try {
                readiness = get(base + "/debug/readiness");
            } catch (IOException e) {
                readiness = null; // a plugin without the readiness gate
            }
            System.out.print(render(readiness, streams, skipped));
        } catch (IOException | RuntimeException e) {
            System.err.println("mesh-status: cannot read the plugin's debug endpoint at " + base + ": " + e
                    + "\n(is Nacos running with nacos.mesh.mcp.enabled=true, and is nacos.mesh.debug.port this one? "
                    + "The debug endpoint listens on 127.0.0.1 unless nacos.mesh.debug.bind-address says otherwise)");
            System.exit(1);
        }
    }

    /** The report from the two pages' JSON. */
    static String render(String streamsJson, String skippedJson) {
        return render(null, streamsJson, skippedJson);
    }

    /** The report from the pages' JSON; {@code readinessJson} may be null (not served). */
    static String render(String readinessJson, String streamsJson, String skippedJson) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true);
        if (readinessJson != null) {
            out.println(readiness(JsonParser.parseString(readinessJson).getAsJsonObject()));
        }
        JsonArray streams = JsonParser.parseString(streamsJson).getAsJsonArray();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ISTIOD", "PEER", "KIND", "STATUS", "SENT", "ACKED", "NACKED"});
        for (JsonElement s : streams) {
            JsonObject stream = s.getAsJsonObject();
            String node = text(stream, "nodeId");
            String peer = text(stream, "peer");
            for (JsonElement t : stream.getAsJsonArray("types")) {
                JsonObject type = t.getAsJsonObject();
                String typeUrl = text(type, "typeUrl");
                String sent = text(type, "versionSent");
                String acked = text(type, "versionAcked");
                String nacked = text(type, "versionNacked");
                rows.add(new String[] {node, peer, typeUrl, status(sent, acked, nacked), orDash(sent), orDash(acked),
                        orDash(nacked)});
                node = "";
                peer = "";
            }
            if (stream.getAsJsonArray("types").size() == 0) {
                rows.add(new String[] {node, peer, "-", "NOTHING SUBSCRIBED", "-", "-", "-"});
            }
        }
        if (streams.size() == 0) {
            out.println("No istiod is connected.");
        } else {
            table(out, rows);
        }
        for (JsonElement s : streams) {
            for (JsonElement t : s.getAsJsonObject().getAsJsonArray("types")) {
                JsonObject type = t.getAsJsonObject();
                String message = text(type, "lastNackMessage");
                if (!message.isEmpty()) {
                    out.println("NACK from " + text(s.getAsJsonObject(), "nodeId") + " for " + text(type, "typeUrl")
                            + " version " + orDash(text(type, "versionNacked")) + ": " + message);
                }
            }
        }

        JsonObject skipped = JsonParser.parseString(skippedJson).getAsJsonObject();
        out.println();
        StringBuilder served = new StringBuilder();
        for (java.util.Map.Entry<String, JsonElement> e : skipped.getAsJsonObject("servedPerNamespace").entrySet()) {
            served.append(served.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        out.println("Served ServiceEntries per namespace: " + (served.length() == 0 ? "none" : served));
        JsonArray list = skipped.getAsJsonArray("skipped");
        if (list.size() == 0) {
            out.println("Skipped services: none");
        } else {
            out.println("Skipped services (" + list.size() + "):");
            for (JsonElement e : list) {
                JsonObject service = e.getAsJsonObject();
                List<String> reasons = new ArrayList<>();
                for (JsonElement r : service.getAsJsonArray("reasons")) {
                    reasons.add(r.getAsString());
                }
                out.println("  " + text(service, "namespace") + "/" + text(service, "group") + "/"
                        + text(service, "service") + ": " + String.join("; ", reasons));
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    /** As istioctl says it: SYNCED once the sent version is ACKed, NACKED when the last reply refused it. */
    private static String status(String sent, String acked, String nacked) {
        if (sent.isEmpty()) {
            return "NOT SENT";
        }
        if (sent.equals(acked)) {
            return "SYNCED";
        }
        if (sent.equals(nacked)) {
            return "NACKED";
        }
        return "STALE";
    }

    private static void table(PrintStream out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + (widths[i] + 3) + "s",
                        row[i]));
            }
            out.println(line.toString().replaceAll("\\s+$", ""));
        }
    }

    /** One line: whether istiod is answered yet, and if not what this node's data still lacks. */
    private static String readiness(JsonObject r) {
        long waited = r.has("waitedMillis") ? r.get("waitedMillis").getAsLong() : 0;
        long max = r.has("maxWaitMillis") ? r.get("maxWaitMillis").getAsLong() : 0;
        List<String> notReady = new ArrayList<>();
        if (r.has("parts")) {
            for (JsonElement p : r.getAsJsonArray("parts")) {
                JsonObject part = p.getAsJsonObject();
                if (!"READY".equals(text(part, "state"))) {
                    notReady.add(text(part, "part") + " (" + text(part, "detail") + ")");
                }
            }
        }
        if (r.has("answering") && !r.get("answering").getAsBoolean()) {
            return "Readiness: HOLDING answers to istiod for " + waited + " ms so far (at most " + max + " ms), state "
                    + text(r, "state") + "; not ready: " + (notReady.isEmpty() ? "-" : String.join("; ", notReady));
        }
        String how = "DISABLED".equals(text(r, "state")) ? "gate off"
                : r.has("timedOut") && r.get("timedOut").getAsBoolean()
                ? "released at the bound after " + waited + " ms with data missing"
                : waited == 0 ? "data complete at start" : "data complete after " + waited + " ms";
        return "Readiness: answering istiod (" + how + ")"
                + (notReady.isEmpty() ? "" : "; not ready now: " + String.join("; ", notReady));
    }

    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static String get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(3_000);
        c.setReadTimeout(10_000);
        int status = c.getResponseCode();
        if (status != 200) {
            throw new IOException(url + " answered " + status);
        }
        try (InputStream in = c.getInputStream()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                body.write(buf, 0, n);
            }
            return new String(body.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
