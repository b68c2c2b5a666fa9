package io.nacosistio.plugin.convert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads Dubbo 3's application-level instance metadata {@code dubbo.endpoints}, a JSON list of
 * {@code {"port": 20880, "protocol": "dubbo"}}, into the instance's ports: {@code dubbo} → TCP,
 * {@code tri} → GRPC, other names as {@link ProtocolMapper} maps them. Several entries of one protocol
 * keep the first. Pure; a malformed value is an {@link IllegalArgumentException} saying what is wrong.
 */
final class DubboEndpoints {

    static final String METADATA_KEY = "dubbo.endpoints";

    private DubboEndpoints() {
    }

    static List<InstancePort> parse(String value, String defaultProtocol) {
        JsonElement root;
        try {
            root = JsonParser.parseString(value);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("is not JSON");
        }
        if (!root.isJsonArray() || root.getAsJsonArray().size() == 0) {
            throw new IllegalArgumentException("is not a non-empty JSON list of {port, protocol}");
        }
        List<InstancePort> ports = new ArrayList<>();
        Set<String> protocols = new LinkedHashSet<>();
        int index = 0;
        for (JsonElement element : root.getAsJsonArray()) {
            String where = "entry " + index++;
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException(where + " is not an object {port, protocol}");
            }
            JsonObject entry = element.getAsJsonObject();
            int port = port(entry.get("port"), where);
            JsonElement name = entry.get("protocol");
            if (name == null || !name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()
                    || name.getAsString().trim().isEmpty()) {
                throw new IllegalArgumentException(where + " has no protocol name");
            }
            String protocol = ProtocolMapper.protocolOf(name.getAsString(), defaultProtocol);
            if (protocols.add(protocol)) {
                ports.add(new InstancePort(protocol, port));
            }
        }
        return ports;
    }

    private static int port(JsonElement value, String where) {
        if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            JsonPrimitive p = value.getAsJsonPrimitive();
            double d = p.getAsDouble();
            if (d >= 1 && d <= 65535 && d == Math.rint(d)) {
                return (int) d;
            }
        }
        throw new IllegalArgumentException(where + " has port " + value + ", not a number in 1-65535");
    }
}
