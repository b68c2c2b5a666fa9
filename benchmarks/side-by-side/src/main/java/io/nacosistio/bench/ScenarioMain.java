package io.nacosistio.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scenario in a JVM of its own (Nacos keeps process-wide state: one JVM boots one Nacos):
 * {@code ScenarioMain side-by-side|heap-none|heap-plugin|heap-built-in <result.json> --name value ...}.
 */
public final class ScenarioMain {

    /** NaN (a measurement that has no value) is written as the string "NaN", Jackson's default. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ScenarioMain() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path out = Path.of(args[1]);
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        // Nacos and its client leave non-daemon threads behind: the JVM ends only through System.exit.
        try {
            ScenarioConfig config = ScenarioConfig.fromMap(options);
            Object result = switch (scenario) {
                case "side-by-side" -> new SideBySideScenario(config).run();
                case "heap-none" -> new HeapScenario(config, HeapScenario.HeapMode.NONE).run();
                case "heap-plugin" -> new HeapScenario(config, HeapScenario.HeapMode.PLUGIN).run();
                case "heap-built-in" -> new HeapScenario(config, HeapScenario.HeapMode.BUILT_IN).run();
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            };
            Files.writeString(out, JSON.writeValueAsString(result));
            Log.info("%s done", scenario);
        } catch (Throwable e) {
            Log.info("%s failed: %s", scenario, e);
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
        System.exit(0);
    }
}
