package io.nacosistio.plugin;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds the code to the package table of docs/architecture.md ("Packages of the plugin"): the table's
 * "may import" column is an allowed list, every package in the code has a row and every row a package, and every
 * type a file names (in an import or fully qualified in code) is the JDK, SLF4J, its own package, or an entry of
 * its row; an entry no file of the package uses is a divergence too.
 */
class PackageRulesTest {

    private static final Path ROOT = Paths.get("src/main/java/io/nacosistio/plugin");
    private static final Path DOC = Paths.get("../docs/architecture.md");
    private static final String OURS = "io.nacosistio.plugin.";

    /** The table's names for libraries, and the Java packages they stand for. */
    private static final Map<String, List<String>> LIBRARIES = Map.ofEntries(
            Map.entry("Nacos", List.of("com.alibaba.nacos.")),
            Map.entry("Spring", List.of("org.springframework.")),
            Map.entry("gRPC", List.of("io.grpc.")),
            Map.entry("protobuf", List.of("com.google.protobuf.")),
            Map.entry("protos", List.of("io.nacosistio.proto.")),
            Map.entry("Guava", List.of("com.google.common.")),
            Map.entry("Gson", List.of("com.google.gson.")),
            Map.entry("SnakeYAML", List.of("org.yaml.snakeyaml.")),
            Map.entry("RE2/J", List.of("com.google.re2j.")),
            Map.entry("Micrometer", List.of("io.micrometer.")));

    /** What every package may use: the JDK and logging. */
    private static final List<String> EVERYWHERE = List.of("java.", "javax.", "org.slf4j.");

    /** A qualified type name: lower-case package segments under a top-level domain, then a capitalised type. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])((?:java|javax|jdk|sun|com|org|io|net)\\.(?:[a-z][a-z0-9_]*\\.)+)([A-Z]\\w*)");

    private static Map<String, Rule> rules;
    private static Map<String, List<Path>> packages;

    /** One row: the table's entries, or null for "anything". */
    private record Rule(List<String> entries) {
        boolean anything() {
            return entries == null;
        }
    }

    @BeforeAll
    static void readTheTableAndTheCode() throws IOException {
        rules = table(Files.readString(DOC));
        packages = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String pkg = ROOT.relativize(file.getParent()).toString().replace('/', '.');
                packages.computeIfAbsent(pkg, p -> new ArrayList<>()).add(file);
            }
        }
    }

    @Test
    void everyPackageHasARowAndEveryRowAPackage() {
        assertThat(rules.keySet()).as("packages in docs/architecture.md's table")
                .containsExactlyInAnyOrderElementsOf(packages.keySet());
    }

    @Test
    void onlyTheSourceAdaptersTouchNacosAndOnlySpringTouchesSpring() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<Path>> pkg : packages.entrySet()) {
            for (Path file : pkg.getValue()) {
                for (String type : referencedTypes(file)) {
                    if (type.startsWith("com.alibaba.nacos.") && !pkg.getKey().startsWith("source.")) {
                        violations.add(file.getFileName() + " (" + pkg.getKey() + ") uses " + type);
                    }
                    if (type.startsWith("org.springframework.") && !pkg.getKey().equals("spring")) {
                        violations.add(file.getFileName() + " (" + pkg.getKey() + ") uses " + type);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void everyTypeAPackageUsesIsOnItsRowAndEveryEntryIsUsed() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<Path>> pkg : packages.entrySet()) {
            Rule rule = rules.get(pkg.getKey());
            if (rule == null || rule.anything()) {
                continue;
            }
            Set<String> used = new TreeSet<>();
            for (Path file : pkg.getValue()) {
                for (String type : referencedTypes(file)) {
                    if (EVERYWHERE.stream().anyMatch(type::startsWith) || packageOf(type).equals(OURS + pkg.getKey())) {
                        continue;
                    }
                    String entry = rule.entries().stream().filter(e -> allows(e, type)).findFirst().orElse(null);
                    if (entry == null) {
                        violations.add(file.getFileName() + " (" + pkg.getKey() + ") uses " + type
                                + ", which its row does not allow");
                    } else {
                        used.add(entry);
                    }
                }
            }
            for (String entry : rule.entries()) {
                if (!used.contains(entry)) {
                    violations.add(pkg.getKey() + "'s row allows " + entry + ", which none of its files uses");
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void fullyQualifiedNamesInCodeAreSeenAndCommentsAndStringsAreNot() {
        String code = "import java.util.List;\n/** {@link com.alibaba.nacos.Hidden} */\nclass A {\n"
                + "  // org.springframework.Hidden\n  String s = \"io.grpc.Hidden\";\n"
                + "  Object o = new com.google.gson.JsonObject();\n  io.nacosistio.plugin.cache.ResourceSet set;\n}\n";
        assertThat(referencedTypes(code)).containsExactlyInAnyOrder("java.util.List", "com.google.gson.JsonObject",
                "io.nacosistio.plugin.cache.ResourceSet");
    }

    /** Whether a table entry (a package of ours, a class of ours, or a library) allows the type. */
    private static boolean allows(String entry, String type) {
        List<String> library = LIBRARIES.get(entry);
        if (library != null) {
            return library.stream().anyMatch(type::startsWith);
        }
        String ours = OURS + entry;
        boolean isClass = Character.isUpperCase(entry.charAt(entry.lastIndexOf('.') + 1));
        return isClass ? type.equals(ours) || type.startsWith(ours + ".") : packageOf(type).equals(ours);
    }

    /** The package part of a qualified type name (nested types keep their outer type out of it). */
    private static String packageOf(String type) {
        Matcher m = QUALIFIED.matcher(type);
        return m.lookingAt() ? m.group(1).substring(0, m.group(1).length() - 1) : type;
    }

    /** Rows of the table under "## Packages of the plugin": package → its "may import" entries. */
    private static Map<String, Rule> table(String doc) {
        int start = doc.indexOf("## Packages of the plugin");
        assertThat(start).as("docs/architecture.md has a section 'Packages of the plugin'").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        Map<String, Rule> rows = new LinkedHashMap<>();
        for (String line : doc.substring(start, end < 0 ? doc.length() : end).split("\n")) {
            String[] cells = line.split("\\|");
            if (!line.startsWith("| `") || cells.length < 4) {
                continue;
            }
            String pkg = cells[1].trim().replace("`", "");
            String allowed = cells[3].replaceAll("\\([^)]*\\)", "").trim();
            if (allowed.startsWith("anything")) {
                rows.put(pkg, new Rule(null));
                continue;
            }
            List<String> entries = new ArrayList<>();
            for (String item : allowed.split(",")) {
                String entry = item.trim();
                if (entry.isEmpty() || entry.equals("JDK") || entry.equals("JDK only")) {
                    continue;
                }
                if (entry.startsWith("`")) {
                    entries.add(entry.replace("`", ""));
                } else {
                    assertThat(LIBRARIES).as("a library the table of " + pkg + " names").containsKey(entry);
                    entries.add(entry);
                }
            }
            rows.put(pkg, new Rule(entries));
        }
        return rows;
    }

    private static Set<String> referencedTypes(Path file) throws IOException {
        return referencedTypes(Files.readString(file));
    }

    /** Every qualified type name in the code (imports included), with comments and literals left out. */
    static Set<String> referencedTypes(String source) {
        String code = withoutCommentsAndLiterals(source).replaceAll("(?m)^\\s*package [\\w.]+;", "");
        Set<String> types = new TreeSet<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            types.add(m.group(1) + m.group(2));
        }
        return types;
    }

    private static String withoutCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
                out.append(' ');
            } else if (c == '"' && s.startsWith("\"\"\"", i)) {
                int close = s.indexOf("\"\"\"", i + 3);
                i = close < 0 ? s.length() : close + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
