package io.nacosistio.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/run.sh}: runs the side-by-side scenario and, with {@code --heap-jvms true} (the full mode's
 * default), the three heap scenarios, each in a JVM of its own; then writes {@code RESULTS.md},
 * {@code results.json} and the charts.
 *
 * <pre>BenchMain [--quick | --full] [--out dir] [--logs dir] [--jvm-arg X] [--services N] [--endpoints M] ...</pre>
 * <pre>BenchMain --render docs/benchmarks/results.json</pre> writes the report of a finished run again.
 *
 * {@code --jvm-arg X} (repeatable) passes X to each scenario JVM, e.g. a profiler agent. Java Flight Recorder is
 * not offered: inside Nacos 3.1 its sampling trips JRaft's SIGUSR2 handler, which writes a node report into the
 * working directory on every signal.
 */
public final class BenchMain {

    private static final List<String> CHILD_JVM = List.of("-Xms1g", "-Xmx3g", "-XX:+UseG1GC");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--render")) {
            render(Path.of(args[1]));
            return;
        }
        ScenarioConfig preset = ScenarioConfig.quick();
        Path out = null;
        Path logs = Path.of("benchmarks/side-by-side/target/bench-logs");
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> jvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> preset = ScenarioConfig.quick();
                case "--full" -> preset = ScenarioConfig.full();
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--logs" -> logs = Path.of(value(args, ++i, "--logs"));
                case "--jvm-arg" -> jvmArgs.add(value(args, ++i, "--jvm-arg"));
                default -> {
                    if (!args[i].startsWith("--")) {
                        throw new IllegalArgumentException("expected --name value, got " + args[i]);
                    }
                    overrides.put(args[i].substring(2), value(args, ++i, args[i]));
                }
            }
        }
        ScenarioConfig config = preset.with(overrides);
        if (out == null) {
            // The full run is the one the docs quote; a quick run keeps its own copy beside it.
            out = Path.of(config.mode().equals("full") ? "docs/benchmarks" : "docs/benchmarks/quick");
        }
        Files.createDirectories(out);
        Files.createDirectories(logs);
        long started = System.nanoTime();
        System.out.println("benchmark (" + config.mode() + "): " + config.asMap());
        Results.SideBySide sideBySide = run("side-by-side", config, logs, jvmArgs, Results.SideBySide.class);
        List<Results.Heap> heap = new ArrayList<>();
        if (config.heapJvms()) {
            for (String mode : List.of("heap-none", "heap-plugin", "heap-built-in")) {
                heap.add(run(mode, config, logs, jvmArgs, Results.Heap.class));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Report report = new Report(config, sideBySide, heap, seconds);
        report.writeTo(out);
        System.out.printf("benchmark finished in %.1f min; wrote %s%n", seconds / 60, out.resolve("RESULTS.md"));
    }

    /** Writes RESULTS.md and the charts again, next to the given results.json, from what it holds. */
    private static void render(Path resultsJson) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root = ScenarioMain.JSON.readTree(resultsJson.toFile());
        Map<String, String> options = new LinkedHashMap<>();
        root.get("config").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        Results.SideBySide sideBySide = ScenarioMain.JSON.treeToValue(root.get("sideBySide"), Results.SideBySide.class);
        List<Results.Heap> heap = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode h : root.get("heapJvms")) {
            heap.add(ScenarioMain.JSON.treeToValue(h, Results.Heap.class));
        }
        new Report(ScenarioConfig.fromMap(options), sideBySide, heap, root.get("runSeconds").asDouble())
                .writeTo(resultsJson.toAbsolutePath().getParent());
        System.out.println("rendered " + resultsJson.toAbsolutePath().getParent().resolve("RESULTS.md"));
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /** Runs one scenario in a new JVM with this JVM's class path; shows its progress lines; reads its result. */
    private static <T> T run(String scenario, ScenarioConfig config, Path logs, List<String> jvmArgs, Class<T> type)
            throws Exception {
        Path result = logs.resolve(scenario + ".json");
        Files.deleteIfExists(result);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM);
        command.add("-Dbench.nacos.logs=" + logs.resolve(scenario + "-nacos-logs").toAbsolutePath());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ScenarioMain.class.getName());
        command.add(scenario);
        command.add(result.toString());
        config.asMap().forEach((k, v) -> {
            command.add("--" + k);
            command.add(v);
        });
        Path log = logs.resolve(scenario + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // A stopped benchmark leaves no Nacos behind.
        Thread reaper = new Thread(process::destroyForcibly, "bench-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                file.println(line);
                if (line.startsWith(Log.PREFIX)) {
                    System.out.println(line.substring(Log.PREFIX.length()));
                }
            }
        }
        int exit = process.waitFor();
        Runtime.getRuntime().removeShutdownHook(reaper);
        if (exit != 0 || !Files.exists(result)) {
            throw new IOException(scenario + " failed (exit " + exit + "); its output is in " + log);
        }
        return ScenarioMain.JSON.readValue(result.toFile(), type);
    }
}
