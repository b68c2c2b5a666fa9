package io.nacosistio.plugin.convert;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.TextFormat;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files: each {@code golden/<case>.json} describes a Nacos service; {@code <case>.expected.txt}
 * holds the resource name, host, errors and the ServiceEntry in text format, as reviewed. Regenerate
 * with {@code -Dgolden.update=true} and review the diff.
 */
class ServiceEntryMapperGoldenTest {

    private static final Path DIR = Paths.get("src/test/resources/golden");
    private final ServiceEntryMapper mapper = new ServiceEntryMapper(MappingOptions.defaults());

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesGoldenFile(String name) throws IOException {
        String json = Files.readString(DIR.resolve(name + ".json"));
        RegistryService service = parse(json);
        MappingResult result = mapperFor(json).map(service);
        String actual = "weights".equals(str(JsonParser.parseString(json).getAsJsonObject(), "render", ""))
                ? renderWeights(result) : render(result);
        Path expected = DIR.resolve(name + ".expected.txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(expected));
    }

    /** A case may set {@code "options"} (see {@link #options}); the default options otherwise. */
    private ServiceEntryMapper mapperFor(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return o.has("options") ? new ServiceEntryMapper(options(o.getAsJsonObject("options"))) : mapper;
    }

    static MappingOptions options(JsonObject o) {
        MappingOptions.Builder b = MappingOptions.builder();
        if (o.has("selection")) {
            JsonObject s = o.getAsJsonObject("selection");
            b.selection(SelectionRules.builder()
                    .includeNamespaces(strings(s, "includeNamespaces")).excludeNamespaces(strings(s, "excludeNamespaces"))
                    .includeGroups(strings(s, "includeGroups")).excludeGroups(strings(s, "excludeGroups"))
                    .includeServices(strings(s, "includeServices")).excludeServices(strings(s, "excludeServices"))
                    .optIn(s.has("optIn") && s.get("optIn").getAsBoolean()).build());
        }
        if (o.has("revision")) {
            b.revision(o.get("revision").getAsString());
        }
        if (o.has("serveDubboConsumers")) {
            b.serveDubboConsumers(o.get("serveDubboConsumers").getAsBoolean());
        }
        return b.build();
    }

    /** For services with many endpoints: the endpoint weights in order, as runs of equal weights, and their sum. */
    static String renderWeights(MappingResult r) {
        StringBuilder out = new StringBuilder();
        out.append("name: ").append(r.resourceName()).append('\n');
        out.append("valid: ").append(r.isValid()).append('\n');
        out.append("endpoints: ").append(r.serviceEntry().getEndpointsCount()).append('\n');
        long sum = 0;
        long run = -1;
        int count = 0;
        for (var ep : r.serviceEntry().getEndpointsList()) {
            long w = Integer.toUnsignedLong(ep.getWeight());
            sum += w;
            if (w != run && count > 0) {
                out.append("weight ").append(run).append(" x").append(count).append('\n');
                count = 0;
            }
            run = w;
            count++;
        }
        if (count > 0) {
            out.append("weight ").append(run).append(" x").append(count).append('\n');
        }
        out.append("sum: ").append(sum).append('\n');
        return out.toString();
    }

    static String render(MappingResult r) {
        StringBuilder out = new StringBuilder();
        out.append("name: ").append(r.resourceName()).append('\n');
        out.append("host: ").append(r.host()).append('\n');
        out.append("valid: ").append(r.isValid()).append('\n');
        if (!r.isSelected()) {
            out.append(r.notSelectedBy()).append('\n');
            return out.toString();
        }
        for (String error : r.errors()) {
            out.append("error: ").append(error).append('\n');
        }
        out.append("labels: ").append(r.labels()).append('\n');
        out.append("droppedLabels: ").append(r.droppedLabels()).append('\n');
        out.append("skippedInstances: ").append(r.skippedInstances()).append('\n');
        out.append("---\n").append(TextFormat.printer().printToString(r.serviceEntry()));
        return out.toString();
    }

    static RegistryService parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        ServiceKey key = new ServiceKey(str(o, "namespace", "public"), str(o, "group", "DEFAULT_GROUP"),
                str(o, "service", null));
        List<RegistryInstance> instances = new ArrayList<>();
        JsonArray list = o.has("instances") ? o.getAsJsonArray("instances") : new JsonArray();
        for (JsonElement e : list) {
            JsonObject i = e.getAsJsonObject();
            int repeat = i.has("repeat") ? i.get("repeat").getAsInt() : 1;
            for (int n = 0; n < repeat; n++) {
                instances.add(instance(i, repeat == 1 ? str(i, "ip", null) : nthAddress(str(i, "ip", null), n)));
            }
        }
        float threshold = o.has("protectThreshold") ? o.get("protectThreshold").getAsFloat() : 0f;
        return new RegistryService(key, threshold, map(o.getAsJsonObject("metadata")), instances);
    }

    /** {@code "repeat": N} makes N instances whose IPv4 addresses count up from {@code ip}. */
    private static String nthAddress(String first, int n) {
        String[] p = first.split("\\.");
        long v = (Long.parseLong(p[0]) << 24 | Long.parseLong(p[1]) << 16 | Long.parseLong(p[2]) << 8
                | Long.parseLong(p[3])) + n;
        return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
    }

    private static RegistryInstance instance(JsonObject i, String ip) {
        return new RegistryInstance(ip, i.get("port").getAsInt(),
                i.has("weight") ? i.get("weight").getAsDouble() : 1.0,
                !i.has("healthy") || i.get("healthy").getAsBoolean(),
                !i.has("enabled") || i.get("enabled").getAsBoolean(), true, str(i, "cluster", "DEFAULT"),
                map(i.getAsJsonObject("metadata")));
    }

    private static List<String> strings(JsonObject o, String key) {
        List<String> list = new ArrayList<>();
        if (o.has(key)) {
            o.getAsJsonArray(key).forEach(e -> list.add(e.getAsString()));
        }
        return list;
    }

    private static String str(JsonObject o, String key, String fallback) {
        return o.has(key) ? o.get(key).getAsString() : fallback;
    }

    private static Map<String, String> map(JsonObject o) {
        Map<String, String> m = new LinkedHashMap<>();
        if (o != null) {
            o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsString()));
        }
        return m;
    }
}
