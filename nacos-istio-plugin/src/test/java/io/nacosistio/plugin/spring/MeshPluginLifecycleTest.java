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
        assertThat(MeshPluginLifecycle.offReason(environment(
                Map.of("nacos.deployment.type", "console")))).contains("console only")
                .contains("nacos.deployment.type=console").contains("no naming or config data");
        assertThat(MeshPluginLifecycle.offReason(environment(
                Map.of("nacos.deployment.type", " Console ")))).isNotNull();
        assertThat(MeshPluginLifecycle.offReason(environment(
                Map.of("nacos.deployment.type", "merged")))).isNull();
        assertThat(MeshPluginLifecycle.offReason(environment(
                Map.of("nacos.deployment.type", "server")))).isNull();
        assertThat(MeshPluginLifecycle.offReason(environment(Map.of()))).isNull();

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
    void equalMcpAndDebugPortsStopTheStartBeforeEitherIsBound() throws Exception {
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
}
