package io.nacosistio.plugin.assembly;

import io.nacosistio.plugin.address.AddressView;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.configcenter.ConfigCenterUpdater;
import io.nacosistio.plugin.debug.MetricsText;
import io.nacosistio.plugin.metrics.PluginMeter;
import io.nacosistio.plugin.readiness.ReadinessGate;
import io.nacosistio.plugin.readiness.ReadinessView;
import io.nacosistio.plugin.reconcile.Reason;
import io.nacosistio.plugin.registry.RegistryUpdater;
import io.nacosistio.plugin.registry.RegistryView;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.source.config.ConfigReadiness;
import io.nacosistio.plugin.source.naming.NacosReadiness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds docs/metrics.md to what the plugin exports: the composition root's whole list of meters, rendered as the
 * debug port's {@code /metrics} renders it, against the page's tables (every family once, with its type and
 * labels), the label table against the labels in use and the values the code gives them, and every
 * {@code nacos_mesh_*} name the other docs mention against the exported ones.
 */
class MetricsReferenceTest {

    private static final Path DOCS = Paths.get("../docs");
    private static final Path PAGE = DOCS.resolve("metrics.md");
    /** A metric's row: name, type, labels (backticked keys, or a dash), meaning. */
    private static final Pattern METRIC_ROW = Pattern.compile("^\\| `(nacos_mesh_\\w+)` \\| ([^|]*) \\| ([^|]*) \\|");
    /** A row of the label table: key, values, the metrics that carry it. */
    private static final Pattern LABEL_ROW = Pattern.compile("^\\| `(\\w+)` \\| ([^|]*) \\| ([^|]*) \\|$");
    private static final Pattern TYPE_LINE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
    /** A metric name in prose; not a pattern such as {@code nacos_mesh_config_*_total}. */
    private static final Pattern NAME_IN_PROSE = Pattern.compile("nacos_mesh_[a-z0-9_]*[a-z0-9](?![a-z0-9_*])");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** A family as scraped: its type and its label keys. */
    private record Family(String type, List<String> labels) {
    }

    private static Map<String, Family> exported;
    private static String page;

    @BeforeAll
    static void renderTheMetricsAndReadThePage() throws IOException {
        RegistryView registry = new RegistryView(ResourceSet.empty(IstioKind.SERVICE_ENTRY), Map.of("public", 1),
                List.of(), AddressView.empty());
        ReadinessView readiness = new ReadinessGate(List.of(), 0, 1, () -> 0, (task, delay) -> { }, () -> { }).view();
        List<PluginMeter> meters = new MeshPlugin().meters(() -> registry, () -> readiness);
        // One "# TYPE" line per meter, in the list's order: the scraped name and type of each.
        Matcher type = TYPE_LINE.matcher(MetricsText.render(meters));
        exported = new TreeMap<>();
        int i = 0;
        while (type.find()) {
            exported.put(type.group(1), new Family(type.group(2), meters.get(i++).labelKeys()));
        }
        assertThat(i).as("a # TYPE line per meter").isEqualTo(meters.size());
        assertThat(exported).as("distinct names").hasSize(meters.size());
        page = Files.readString(PAGE);
    }

    @Test
    void thePageHasARowForEveryExportedMetricWithItsTypeAndLabelsAndNoOtherRow() {
        Map<String, Family> documented = new TreeMap<>();
        List<String> twice = new ArrayList<>();
        for (String line : page.split("\n")) {
            Matcher row = METRIC_ROW.matcher(line);
            if (row.find()) {
                Family family = new Family(row.group(2).trim(), codeIn(row.group(3)));
                if (documented.put(row.group(1), family) != null) {
                    twice.add(row.group(1));
                }
            }
        }
        assertThat(twice).as("metrics with more than one row in docs/metrics.md").isEmpty();
        assertThat(difference(exported.keySet(), documented.keySet())).as("exported metrics without a row in "
                + "docs/metrics.md").isEmpty();
        assertThat(difference(documented.keySet(), exported.keySet())).as("rows of docs/metrics.md naming no exported "
                + "metric").isEmpty();
        for (Map.Entry<String, Family> family : exported.entrySet()) {
            assertThat(documented.get(family.getKey())).as("type and labels of " + family.getKey()
                    + " in docs/metrics.md").isEqualTo(family.getValue());
        }
    }

    @Test
    void theLabelTableListsEveryLabelWithTheMetricsThatCarryItAndTheValuesTheCodeGivesIt() {
        Map<String, Set<String>> carriedBy = new TreeMap<>();
        exported.forEach((name, family) -> family.labels()
                .forEach(label -> carriedBy.computeIfAbsent(label, l -> new TreeSet<>()).add(name)));
        Map<String, Set<String>> documented = new TreeMap<>();
        Map<String, Set<String>> values = new TreeMap<>();
        for (String line : page.split("\n")) {
            Matcher row = LABEL_ROW.matcher(line);
            if (row.find()) {
                values.put(row.group(1), new TreeSet<>(codeIn(row.group(2))));
                documented.put(row.group(1), new TreeSet<>(codeIn(row.group(3))));
            }
        }
        assertThat(documented).as("labels and the metrics carrying them in docs/metrics.md").isEqualTo(carriedBy);
        assertThat(values.get("pipeline")).as("pipeline values")
                .containsExactlyInAnyOrder(RegistryUpdater.PIPELINE, ConfigCenterUpdater.PIPELINE);
        assertThat(values.get("reason")).as("reason values").containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Reason.values()).map(Reason::label).collect(Collectors.toList()));
        assertThat(values.get("part")).as("part values").containsExactlyInAnyOrder(NacosReadiness.EPHEMERAL_NAMING,
                NacosReadiness.PERSISTENT_NAMING, ConfigReadiness.CONFIG);
    }

    /** A name in any doc that is not exported (a renamed or removed metric, a counter without {@code _total}). */
    @Test
    void everyMetricTheDocsNameIsExported() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(DOCS.resolveSibling("README.md")));
        try (Stream<Path> files = Files.walk(DOCS)) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        Map<String, Set<String>> unknown = new TreeMap<>();
        for (Path doc : docs) {
            Matcher name = NAME_IN_PROSE.matcher(Files.readString(doc));
            while (name.find()) {
                if (!exported.containsKey(name.group())) {
                    unknown.computeIfAbsent(DOCS.getParent().relativize(doc).toString(), d -> new TreeSet<>())
                            .add(name.group());
                }
            }
        }
        assertThat(unknown).as("metric names in the docs that the plugin does not export").isEmpty();
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> rest = new TreeSet<>(a);
        rest.removeAll(b);
        return rest;
    }

    private static List<String> codeIn(String cell) {
        List<String> code = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            code.add(m.group(1));
        }
        return code;
    }
}
