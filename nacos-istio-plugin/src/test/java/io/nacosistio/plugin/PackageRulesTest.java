package io.nacosistio.plugin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds the import rules of docs/architecture.md, so the picture stays true as the code grows. */
class PackageRulesTest {

    private static final Path ROOT = Paths.get("src/main/java/io/nacosistio/plugin");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);

    /** package → import prefixes it must not use. */
    private static final Map<String, List<String>> FORBIDDEN = Map.ofEntries(
            Map.entry("source", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.cache")),
            Map.entry("convert", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.cache", "io.nacosistio.plugin.spring")),
            Map.entry("index", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.server",
                    "io.nacosistio.plugin.convert", "io.nacosistio.plugin.spring")),
            Map.entry("cache", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.source")),
            Map.entry("resource", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.")),
            Map.entry("server", List.of("com.alibaba.nacos", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.source", "io.nacosistio.plugin.convert")),
            Map.entry("metrics", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.")),
            Map.entry("micrometer", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.source", "io.nacosistio.plugin.cache",
                    "io.nacosistio.plugin.configcenter", "io.nacosistio.plugin.spring", "io.nacosistio.plugin.debug")),
            Map.entry("concurrent", List.of("com.alibaba.nacos", "io.grpc", "org.springframework",
                    "io.nacosistio.plugin.")),
            Map.entry("debug", List.of("com.alibaba.nacos", "org.springframework")),
            Map.entry("document", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.cache", "io.nacosistio.plugin.source",
                    "io.nacosistio.plugin.spring", "io.nacosistio.plugin.configcenter")),
            Map.entry("validation", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.cache", "io.nacosistio.plugin.source",
                    "io.nacosistio.plugin.convert", "io.nacosistio.plugin.document", "io.nacosistio.plugin.spring",
                    "io.nacosistio.plugin.configcenter")),
            Map.entry("configcenter", List.of("com.alibaba.nacos", "io.grpc", "org.springframework",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.convert", "io.nacosistio.plugin.spring")),
            Map.entry("readiness", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.cache", "io.nacosistio.plugin.convert",
                    "io.nacosistio.plugin.configcenter", "io.nacosistio.plugin.spring", "io.nacosistio.plugin.debug",
                    "io.nacosistio.plugin.address", "io.nacosistio.plugin.document", "io.nacosistio.plugin.validation",
                    "io.nacosistio.plugin.micrometer", "io.nacosistio.plugin.resource")),
            Map.entry("address", List.of("com.alibaba.nacos", "io.grpc", "org.springframework", "io.nacosistio.plugin.index",
                    "io.nacosistio.plugin.server", "io.nacosistio.plugin.cache", "io.nacosistio.plugin.convert",
                    "io.nacosistio.plugin.configcenter", "io.nacosistio.plugin.spring", "io.nacosistio.plugin.debug")));

    @Test
    void onlyTheSourceAdaptersTouchNacosAndOnlySpringTouchesSpring() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles(ROOT)) {
            String pkg = ROOT.relativize(file.getParent()).toString().replace('/', '.');
            for (String imported : imports(file)) {
                if (imported.startsWith("com.alibaba.nacos") && !pkg.equals("source.naming")
                        && !pkg.equals("source.config")) {
                    violations.add(file + " imports " + imported);
                }
                if (imported.startsWith("org.springframework") && !pkg.equals("spring")) {
                    violations.add(file + " imports " + imported);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void packagesImportOnlyWhatTheirRuleAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles(ROOT)) {
            String pkg = ROOT.relativize(file.getParent()).toString().replace('/', '.');
            String top = pkg.contains(".") ? pkg.substring(0, pkg.indexOf('.')) : pkg;
            List<String> forbidden = FORBIDDEN.get(pkg.equals("source.naming") || pkg.equals("source.config") ? "none" : top);
            if (forbidden == null) {
                continue;
            }
            for (String imported : imports(file)) {
                for (String prefix : forbidden) {
                    boolean ownPackage = imported.startsWith("io.nacosistio.plugin." + top + ".")
                            || imported.startsWith("io.nacosistio.plugin." + pkg + ".");
                    if (imported.startsWith(prefix) && !ownPackage) {
                        violations.add(file.getFileName() + " (" + pkg + ") imports " + imported);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<String> imports(Path file) throws IOException {
        List<String> result = new ArrayList<>();
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
            result.add(m.group(2));
        }
        return result;
    }
}
