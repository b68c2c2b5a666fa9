package io.nacosistio.plugin.spring;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin that cannot start must never take its host down with it. */
class MeshPluginLifecycleTest {

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }

    @Test
    void aNacosWithoutTheNamingCoreGetsAnErrorLogNotAnException() {
        GenericApplicationContext context = new GenericApplicationContext();
        context.refresh();
        MeshPluginLifecycle lifecycle = new MeshPluginLifecycle(context,
                environment(Map.of("nacos.mesh.mcp.enabled", "true", "nacos.mesh.mcp.port", "0")));
        assertThatCode(lifecycle::start).doesNotThrowAnyException();
        assertThat(lifecycle.plugin()).isNull();
        assertThatCode(lifecycle::stop).doesNotThrowAnyException();
        context.close();
    }

    @Test
    void aConsoleOnlyNacosKeepsThePluginOffWithTheReason() {
        assertThat(MeshPluginLifecycle.offReason(new PropertyReader(environment(
                Map.of("nacos.deployment.type", "console"))))).contains("console only")
                .contains("nacos.deployment.type=console").contains("no naming or config data");
        assertThat(MeshPluginLifecycle.offReason(new PropertyReader(environment(
                Map.of("nacos.deployment.type", " Console "))))).isNotNull();
        assertThat(MeshPluginLifecycle.offReason(new PropertyReader(environment(
                Map.of("nacos.deployment.type", "merged"))))).isNull();
        assertThat(MeshPluginLifecycle.offReason(new PropertyReader(environment(
                Map.of("nacos.deployment.type", "server"))))).isNull();
        assertThat(MeshPluginLifecycle.offReason(new PropertyReader(environment(Map.of())))).isNull();

        GenericApplicationContext context = new GenericApplicationContext();
        context.refresh();
        MeshPluginLifecycle lifecycle = new MeshPluginLifecycle(context, environment(Map.of(
                "nacos.mesh.mcp.enabled", "true", "nacos.deployment.type", "console")));
        assertThatCode(lifecycle::start).doesNotThrowAnyException();
        assertThat(lifecycle.plugin()).isNull();
        lifecycle.stop();
        context.close();
    }

    @Test
    void theReadinessBoundDefaultsToTwoMinutesAndZeroTurnsTheGateOff() {
        assertThat(MeshPluginSettings.from(new PropertyReader(environment(Map.of()))).readinessMaxWaitMillis)
                .isEqualTo(120_000);
        assertThat(MeshPluginSettings.from(new PropertyReader(environment(Map.of("nacos.mesh.readiness.max-wait",
                "0")))).readinessMaxWaitMillis).isZero();
        assertThat(MeshPluginSettings.from(new PropertyReader(environment(Map.of("nacos.mesh.readiness.max-wait",
                "30s")))).readinessMaxWaitMillis).isEqualTo(30_000);
        assertThatThrownBy(() -> MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.readiness.max-wait", "forever"))))).hasMessageContaining("nacos.mesh.readiness.max-wait");
    }

    @Test
    void aBadPropertyStopsThePluginNotTheHost() {
        GenericApplicationContext context = new GenericApplicationContext();
        context.refresh();
        MeshPluginLifecycle lifecycle = new MeshPluginLifecycle(context,
                environment(Map.of("nacos.mesh.index.quiet-period", "soon")));
        assertThatCode(lifecycle::start).doesNotThrowAnyException();
        assertThat(lifecycle.plugin()).isNull();
        context.close();
    }

    @Test
    void settingsNameTheBadPropertyAndCheckTheBuiltInModulesPort() {
        assertThatThrownBy(() -> MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.index.max-delay", "50ms", "nacos.mesh.index.quiet-period", "100ms")))))
                .hasMessageContaining("nacos.mesh.index.max-delay");
        assertThatThrownBy(() -> MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.mcp.port", "70000")))))
                .hasMessageContaining("nacos.mesh.mcp.port=70000");
        assertThatThrownBy(() -> MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.revision", "canary/1")))))
                .hasMessageContaining("nacos.mesh.revision=canary/1");
        assertThat(MeshPluginSettings.from(new PropertyReader(environment(Map.of("nacos.mesh.revision", "1-31-0"))))
                .mapping.revision()).isEqualTo("1-31-0");
        MeshPluginSettings clash = MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.istio.mcp.server.enabled", "true"))));
        assertThatThrownBy(clash::checkNoConflictWithBuiltInModule).hasMessageContaining("18848");
        MeshPluginSettings apart = MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.istio.mcp.server.enabled", "true", "nacos.mesh.mcp.port", "28848"))));
        assertThatCode(apart::checkNoConflictWithBuiltInModule).doesNotThrowAnyException();
    }

    @Test
    void equalMcpAndDebugPortsAreAConfigurationErrorNamingBothBeforeAnythingBinds() throws Exception {
        assertThatThrownBy(() -> MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.mcp.port", "18850", "nacos.mesh.debug.port", "18850")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nacos.mesh.mcp.port").hasMessageContaining("nacos.mesh.debug.port")
                .hasMessageContaining("18850");
        assertThatThrownBy(() -> MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.debug.port", "18848")))))
                .hasMessageContaining("nacos.mesh.mcp.port and nacos.mesh.debug.port are both 18848");
        // The debug port off (0) never clashes, even with an MCP port of 0 (any free port).
        assertThat(MeshPluginSettings.from(new PropertyReader(environment(
                Map.of("nacos.mesh.mcp.port", "0", "nacos.mesh.debug.port", "0")))).debugPort).isZero();

        // Through the lifecycle: the start fails with that message and neither port is bound.
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        GenericApplicationContext context = new GenericApplicationContext();
        context.refresh();
        MeshPluginLifecycle lifecycle = new MeshPluginLifecycle(context, environment(Map.of(
                "nacos.mesh.mcp.enabled", "true", "nacos.mesh.mcp.port", Integer.toString(port),
                "nacos.mesh.debug.port", Integer.toString(port))));
        lifecycle.start();
        assertThat(lifecycle.plugin()).isNull();
        try (java.net.ServerSocket stillFree = new java.net.ServerSocket(port)) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
        context.close();
    }

    @Test
    void durationsSizesAndPairsParse() {
        PropertyReader p = new PropertyReader(environment(Map.of("a", "250ms", "b", "2s", "c", "5m", "d", "64MB",
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
