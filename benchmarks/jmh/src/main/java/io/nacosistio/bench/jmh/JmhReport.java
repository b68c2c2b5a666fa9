package io.nacosistio.bench.jmh;

import io.nacosistio.plugin.registry.RegistryIndex;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns JMH's CSV results into {@code jmh.md}, stamped with the machine, and adds a count that needs no timing:
 * the conversions (each one serialization) the index performs per changed service at each registry size.
 * {@code JmhReport <jmh.csv> <jmh.md>}.
 */
public final class JmhReport {

    private JmhReport() {
    }

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        StringBuilder md = new StringBuilder();
        md.append("# JMH microbenchmarks of the plugin's hot paths\n\n");
        md.append("Written by `bench/jmh.sh`. ").append(machine()).append("\n\n");
        md.append("| benchmark | parameter | score | error (99.9 %) | unit |\n|---|---|---|---|---|\n");
        List<String> header = csv(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csv(line);
            List<String> params = new ArrayList<>();
            for (int i = 7; i < f.size() && i < header.size(); i++) {
                if (!f.get(i).isEmpty()) {
                    params.add(header.get(i).replace("Param: ", "") + " = " + f.get(i));
                }
            }
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %.2f | ± %.2f | %s |%n",
                    f.get(0).replaceFirst("^.*\\.(\\w+\\.\\w+)$", "$1"), String.join(", ", params),
                    Double.parseDouble(f.get(4)), parse(f.get(5)), f.get(6)));
        }
        md.append("\n`convertValidateSerialize`: one registry service turned into a ServiceEntry, checked with Istio's "
                + "validation rules and serialized, as the index does for each changed service. `applyOneChange`: the "
                + "index applies one changed service in a registry of the given size (one conversion, one "
                + "serialization, its maps updated). `applyOneChangeAndPublish`: the same followed by building the "
                + "new ServiceEntry set and its version, as after every batch. Work proportional to the registry "
                + "shows as a 10k score ten times the 1k one.\n");
        md.append("\nWork per changed service, counted (no timing): ");
        List<String> counts = new ArrayList<>();
        for (int services : new int[] {1_000, 10_000}) {
            counts.add(String.format(Locale.ROOT, "%,d services: %.3f conversions (each one ServiceEntry "
                    + "serialization) per change", services, conversionsPerChange(services, 200)));
        }
        md.append(String.join("; ", counts)).append(".\n");
        Files.writeString(Path.of(args[1]), md.toString());
    }

    /** Applies {@code changes} changes to one service of a filled index and counts the converter's calls. */
    static double conversionsPerChange(int services, int changes) {
        AtomicLong calls = new AtomicLong();
        RegistryIndex index = new RegistryIndex(SampleRegistry.converter(calls), () -> 1_700_000_000_000L);
        for (int s = 0; s < services; s++) {
            index.apply(SampleRegistry.key(s), Optional.of(SampleRegistry.service(s, 10, 0)));
        }
        index.snapshot();
        calls.set(0);
        for (int c = 1; c <= changes; c++) {
            int service = (c * 7919) % services;
            index.apply(SampleRegistry.key(service), Optional.of(SampleRegistry.service(service, 10, c)));
            index.snapshot();
        }
        return (double) calls.get() / changes;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        for (String f : line.split(",", -1)) {
            out.add(f.replace("\"", "").trim());
        }
        return out;
    }

    private static String machine() {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "Machine: %d cores, %.1f GiB, %s %s; %s; 1-minute load average when it "
                        + "finished: %s.", Runtime.getRuntime().availableProcessors(),
                os.getTotalMemorySize() / (double) (1L << 30), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
