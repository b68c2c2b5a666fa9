package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.validation.ServiceEntryValidator;
import io.nacosistio.plugin.source.RegistryInstance;
import io.nacosistio.plugin.source.RegistryService;
import io.nacosistio.plugin.source.ServiceKey;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceEntryMapperTest {

    private final ServiceEntryMapper mapper = new ServiceEntryMapper(MappingOptions.defaults());
    private final ServiceKey key = new ServiceKey("public", "DEFAULT_GROUP", "orders");

    private static RegistryInstance instance(String ip, double weight, Map<String, String> metadata) {
        return new RegistryInstance(ip, 8080, weight, true, true, true, "DEFAULT", metadata);
    }

    @Test
    void versionIsStableForSameContentWhateverTheOrder() {
        Map<String, String> m1 = new LinkedHashMap<>();
        m1.put("a", "1");
        m1.put("b", "2");
        Map<String, String> m2 = new LinkedHashMap<>();
        m2.put("b", "2");
        m2.put("a", "1");
        RegistryService one = new RegistryService(key, 0, m1, List.of(instance("10.0.0.1", 1, m1),
                instance("10.0.0.2", 1, Map.of())));
        RegistryService two = new RegistryService(key, 0, m2, List.of(instance("10.0.0.2", 1, Map.of()),
                instance("10.0.0.1", 1, m2)));
        assertThat(mapper.map(one).version()).isEqualTo(mapper.map(two).version());
        assertThat(mapper.map(one).serviceEntry().toByteString()).isEqualTo(mapper.map(two).serviceEntry().toByteString());
    }

    @Test
    void versionChangesWithWeightLabelsAndPorts() {
        RegistryService base = new RegistryService(key, 0, Map.of(), List.of(instance("10.0.0.1", 1, Map.of())));
        String v = mapper.map(base).version();
        assertThat(mapper.map(new RegistryService(key, 0, Map.of(), List.of(instance("10.0.0.1", 3, Map.of())))).version())
                .isNotEqualTo(v);
        assertThat(mapper.map(new RegistryService(key, 0, Map.of(), List.of(instance("10.0.0.1", 1,
                Map.of("version", "v2"))))).version()).isNotEqualTo(v);
        assertThat(mapper.map(new RegistryService(key, 0, Map.of("team", "a"), List.of(instance("10.0.0.1", 1,
                Map.of())))).version()).isNotEqualTo(v);
        assertThat(mapper.map(new RegistryService(key, 0, Map.of(), List.of(new RegistryInstance("10.0.0.1", 9090, 1,
                true, true, true, "DEFAULT", Map.of())))).version()).isNotEqualTo(v);
    }

    @Test
    void changingOneWeightChangesOnlyThatEndpoint() {
        RegistryService before = new RegistryService(key, 0, Map.of(), List.of(instance("10.0.0.1", 1, Map.of()),
                instance("10.0.0.2", 1, Map.of()), instance("10.0.0.3", 1, Map.of())));
        RegistryService after = new RegistryService(key, 0, Map.of(), List.of(instance("10.0.0.1", 1, Map.of()),
                instance("10.0.0.2", 0.25, Map.of()), instance("10.0.0.3", 1, Map.of())));
        MappingResult a = mapper.map(before);
        MappingResult b = mapper.map(after);
        assertThat(b.version()).isNotEqualTo(a.version());
        assertThat(b.serviceEntry().getEndpointsList()).extracting(e -> e.getWeight()).containsExactly(100, 25, 100);
        assertThat(b.serviceEntry().getEndpoints(0)).isEqualTo(a.serviceEntry().getEndpoints(0));
        assertThat(b.serviceEntry().getEndpoints(2)).isEqualTo(a.serviceEntry().getEndpoints(2));
    }

    @Test
    void badInputNeverThrows() {
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("protocol", null);
        withNull.put(null == null ? "k" : "", null);
        RegistryService weird = new RegistryService(key, Float.NaN, withNull, List.of(
                new RegistryInstance("", -1, Double.NaN, true, true, true, null, withNull),
                new RegistryInstance("::::", 8080, Double.POSITIVE_INFINITY, true, true, true, "c", Map.of()),
                new RegistryInstance("10.0.0.1", 8080, 1e300, true, true, true, "c", withNull)));
        MappingResult result = mapper.map(weird);
        assertThat(result.isValid()).isTrue();
        assertThat(result.serviceEntry().getEndpointsList()).extracting(e -> e.getAddress()).containsExactly("10.0.0.1");
        assertThat(result.serviceEntry().getEndpoints(0).getWeight()).isEqualTo(1_000_000);
    }

    @Test
    void everyValidResultPassesTheValidator() throws Exception {
        ServiceEntryValidator validator = new ServiceEntryValidator();
        try (var files = java.nio.file.Files.list(java.nio.file.Paths.get("src/test/resources/golden"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                MappingResult r = mapper.map(ServiceEntryMapperGoldenTest.parse(java.nio.file.Files.readString(file)));
                if (r.isValid()) {
                    assertThat(validator.validate(r.resourceName(), r.annotations(), r.serviceEntry())).as(file.toString())
                            .isEmpty();
                }
            }
        }
    }
}
