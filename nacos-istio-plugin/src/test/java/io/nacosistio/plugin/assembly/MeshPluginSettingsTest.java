package io.nacosistio.plugin.assembly;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every property is read and checked at start, and a bad one is named. */
class MeshPluginSettingsTest {

    private static Function<String, String> properties(Map<String, String> properties) {
        return properties::get;
    }

    @Test
    void theReadinessBoundDefaultsToTwoMinutesAndZeroTurnsTheGateOff() {
        assertThat(MeshPluginSettings.from(properties(Map.of())).readinessMaxWaitMillis)
                .isEqualTo(120_000);
        assertThat(MeshPluginSettings.from(properties(Map.of("nacos.mesh.readiness.max-wait",
                "0"))).readinessMaxWaitMillis).isZero();
        assertThat(MeshPluginSettings.from(properties(Map.of("nacos.mesh.readiness.max-wait",
                "30s"))).readinessMaxWaitMillis).isEqualTo(30_000);
        assertThatThrownBy(() -> MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.readiness.max-wait", "forever")))).hasMessageContaining("nacos.mesh.readiness.max-wait");
    }

    @Test
    void settingsNameTheBadPropertyAndCheckTheBuiltInModulesPort() {
        assertThatThrownBy(() -> MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.index.max-delay", "50ms", "nacos.mesh.index.quiet-period", "100ms"))))
                .hasMessageContaining("nacos.mesh.index.max-delay");
        assertThatThrownBy(() -> MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.mcp.port", "70000"))))
                .hasMessageContaining("nacos.mesh.mcp.port=70000");
        assertThatThrownBy(() -> MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.revision", "canary/1"))))
                .hasMessageContaining("nacos.mesh.revision=canary/1");
        assertThat(MeshPluginSettings.from(properties(Map.of("nacos.mesh.revision", "1-31-0")))
                .mapping.revision()).isEqualTo("1-31-0");
        MeshPluginSettings clash = MeshPluginSettings.from(properties(
                Map.of("nacos.istio.mcp.server.enabled", "true")));
        assertThatThrownBy(clash::checkNoConflictWithBuiltInModule).hasMessageContaining("18848");
        MeshPluginSettings apart = MeshPluginSettings.from(properties(
                Map.of("nacos.istio.mcp.server.enabled", "true", "nacos.mesh.mcp.port", "28848")));
        assertThatCode(apart::checkNoConflictWithBuiltInModule).doesNotThrowAnyException();
    }

    @Test
    void equalMcpAndDebugPortsAreAConfigurationErrorNamingBothBeforeAnythingBinds() throws Exception {
        assertThatThrownBy(() -> MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.mcp.port", "18850", "nacos.mesh.debug.port", "18850"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nacos.mesh.mcp.port").hasMessageContaining("nacos.mesh.debug.port")
                .hasMessageContaining("18850");
        assertThatThrownBy(() -> MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.debug.port", "18848"))))
                .hasMessageContaining("nacos.mesh.mcp.port and nacos.mesh.debug.port are both 18848");
        // The debug port off (0) never clashes, even with an MCP port of 0 (any free port).
        assertThat(MeshPluginSettings.from(properties(
                Map.of("nacos.mesh.mcp.port", "0", "nacos.mesh.debug.port", "0"))).debugPort).isZero();
    }

    @Test
    void durationsSizesAndPairsParse() {
        PropertyReader p = new PropertyReader(properties(Map.of("a", "250ms", "b", "2s", "c", "5m", "d", "64MB",
                "e", "dev=team-dev, prod=team-prod", "f", "300")));
        assertThat(p.millis("a", 0)).isEqualTo(250);
        assertThat(p.millis("b", 0)).isEqualTo(2000);
        assertThat(p.millis("c", 0)).isEqualTo(300_000);
        assertThat(p.millis("f", 0)).isEqualTo(300);
        assertThat(p.bytes("d", 0)).isEqualTo(64 * 1024 * 1024);
        assertThat(p.pairs("e")).containsEntry("dev", "team-dev").containsEntry("prod", "team-prod");
        assertThat(p.millis("missing", 42)).isEqualTo(42);
    }
}
