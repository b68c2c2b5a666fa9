package io.nacosistio.it.nacos31;

import io.nacosistio.it.TempDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/install-into-nacos.sh} on a Nacos distribution's layout: jar into plugins/, properties appended once. */
class InstallIntoNacosTest {

    private static final String BEGIN = "# >>> nacos-istio-plugin >>>";
    private Path home;
    private Path conf;
    private File jar;

    @BeforeEach
    void layOutNacos() throws Exception {
        home = Files.createTempDirectory("nacos-home");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("target"));
        Files.createDirectories(home.resolve("plugins"));
        conf = Files.createDirectories(home.resolve("conf")).resolve("application.properties");
        Files.writeString(conf, "server.servlet.contextPath=/nacos\nserver.port=8848\n"
                + "### If turn on the istio MCP server:\n#nacos.istio.mcp.server.enabled=true\n");
        Files.writeString(home.resolve("plugins").resolve("nacos-istio-plugin-0.0.1.jar"), "an older version");
        jar = new File(Class.forName("io.nacosistio.plugin.spring.MeshMcpAutoConfiguration")
                .getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @AfterEach
    void removeNacos() {
        TempDirs.delete(home);
    }

    @Test
    void copiesTheJarReplacingAnOlderOneAndAppendsThePropertiesOnce() throws Exception {
        Result first = install();
        assertThat(first.exit).as(first.output).isZero();
        try (var plugins = Files.list(home.resolve("plugins"))) {
            assertThat(plugins.map(p -> p.getFileName().toString())).containsExactly(jar.getName());
        }
        assertThat(Files.size(home.resolve("plugins").resolve(jar.getName()))).isEqualTo(jar.length());
        String once = Files.readString(conf);
        assertThat(once).startsWith("server.servlet.contextPath=/nacos\n").contains(BEGIN)
                .contains("\nnacos.mesh.mcp.enabled=true\n").contains("\nnacos.mesh.mcp.allowed-clients=");

        Result second = install();
        assertThat(second.exit).as(second.output).isZero();
        assertThat(second.output).contains("already has the plugin's properties");
        assertThat(Files.readString(conf)).isEqualTo(once);
    }

    @Test
    void refusesANacosWhoseBuiltInModuleIsOnThePluginsPort() throws Exception {
        Files.writeString(conf, "nacos.istio.mcp.server.enabled=true\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        String before = Files.readString(conf);
        Result refused = install();
        assertThat(refused.exit).isEqualTo(3);
        assertThat(refused.output).contains("nacos.istio.mcp.server.enabled=true").contains("port 18848");
        assertThat(Files.readString(conf)).isEqualTo(before);
        assertThat(home.resolve("plugins").resolve(jar.getName())).doesNotExist();

        // On another port both can run.
        Files.writeString(conf, "nacos.istio.mcp.server.port=18850\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(install().exit).isZero();
    }

    private record Result(int exit, String output) {
    }

    private Result install() throws Exception {
        Path script = Paths.get("../../bin/install-into-nacos.sh").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(script.toString(), home.toString()).redirectErrorStream(true);
        builder.environment().put("PLUGIN_JAR", jar.getPath());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
