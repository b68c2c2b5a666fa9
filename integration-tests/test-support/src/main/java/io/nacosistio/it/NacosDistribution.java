package io.nacosistio.it;

import io.nacosistio.quickstart.Processes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Nacos server laid out and started the way its official distribution is, in a process of its own:
 * <pre>
 *   target/nacos-server.jar        a Spring Boot executable jar (ZIP layout: Boot's PropertiesLauncher)
 *   conf/application.properties    read through --spring.config.additional-location
 *   conf/nacos-logback.xml         read through --logging.config; writes logs/nacos.log
 *   plugins/                       on the launcher's class path through -Dloader.path
 *   logs/start.out                 the JVM's output, as bin/startup.sh redirects it
 * </pre>
 * started with the options {@code bin/startup.sh -m standalone} passes ({@link StartScript}). The plugin goes in
 * with this repository's {@code bin/install-into-nacos.sh}. Besides the start script's options the JVM logs its
 * class loading ({@code -Xlog:class+load}) to {@code logs/class-load.log}, so a test can tell where each class
 * came from.
 */
public final class NacosDistribution implements AutoCloseable {

    private static final long BOOT_TIMEOUT_SECONDS = 240;

    /** The options each Nacos line's {@code bin/startup.sh -m standalone} starts its jar with (Java 9+). */
    public enum StartScript {
        /** Nacos 2.3: {@code bin/startup.sh -m standalone}. */
        NACOS_2_3("--server.max-http-header-size=524288"),
        /**
         * Nacos 3.1: {@code bin/startup.sh -m standalone -d server}, the deployment without the console (the
         * script's default, {@code merged}, also starts the console).
         */
        NACOS_3_1_SERVER("--server.max-http-request-header-size=524288", "-Dnacos.deployment.type=server"),
        /** Nacos 3.1: {@code bin/startup.sh -m standalone -d console}, the console alone (no naming, no config). */
        NACOS_3_1_CONSOLE("--server.max-http-request-header-size=524288", "-Dnacos.deployment.type=console");

        private final String headerSizeArgument;
        private final List<String> extraJvmOptions;

        StartScript(String headerSizeArgument, String... extraJvmOptions) {
            this.headerSizeArgument = headerSizeArgument;
            this.extraJvmOptions = List.of(extraJvmOptions);
        }

        List<String> command(Path home) {
            String base = home.toString();
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of("-Xms512m", "-Xmx512m", "-Xmn256m", "-Dnacos.standalone=true",
                    "-Dnacos.member.list=",
                    "-Xlog:gc*:file=" + base + "/logs/nacos_gc.log:time,tags:filecount=10,filesize=100m"));
            command.addAll(extraJvmOptions);
            command.add("-Dloader.path=" + base + "/plugins," + base + "/plugins/health," + base + "/plugins/cmdb,"
                    + base + "/plugins/selector");
            command.add("-Dnacos.home=" + base);
            // Not the start script's: where every class was loaded from.
            command.add("-Xlog:class+load=info:file=" + base + "/logs/class-load.log");
            command.addAll(List.of("-jar", base + "/target/nacos-server.jar",
                    "--spring.config.additional-location=file:" + base + "/conf/",
                    "--logging.config=" + base + "/conf/nacos-logback.xml", headerSizeArgument, "nacos.nacos"));
            return command;
        }
    }

    private final StartScript script;
    private final Path home;
    private Process process;

    private NacosDistribution(StartScript script, Path home) {
        this.script = script;
        this.home = home;
    }

    /**
     * A fresh distribution in a temporary directory: the server jar copied to {@code target/nacos-server.jar},
     * {@code conf/application.properties} with the given content, a {@code conf/nacos-logback.xml} that logs
     * at INFO to {@code logs/nacos.log}, empty {@code plugins/} and {@code logs/}.
     */
    public static NacosDistribution layOut(StartScript script, Path serverJar, String applicationProperties)
            throws IOException {
        Path home = Files.createTempDirectory("nacos-distribution");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("plugins"));
        Files.createDirectories(home.resolve("logs"));
        Files.copy(serverJar, Files.createDirectories(home.resolve("target")).resolve("nacos-server.jar"));
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("application.properties"), applicationProperties);
        Files.writeString(conf.resolve("nacos-logback.xml"), """
                <configuration>
                  <appender name="nacos" class="ch.qos.logback.core.FileAppender">
                    <file>${nacos.home}/logs/nacos.log</file>
                    <encoder><pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{40} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="nacos"/></root>
                </configuration>
                """);
        return new NacosDistribution(script, home);
    }

    public Path home() {
        return home;
    }

    /** Runs {@code bin/install-into-nacos.sh <home>} with {@code PLUGIN_JAR}; returns its output, fails unless it exits 0. */
    public String install(Path pluginJar) throws IOException, InterruptedException {
        // Tests run in their module's directory, two levels below the checkout.
        Path installScript = Paths.get("../../bin/install-into-nacos.sh").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(installScript.toString(), home.toString()).redirectErrorStream(true);
        builder.environment().put("PLUGIN_JAR", pluginJar.toString());
        Process install = builder.start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!install.waitFor(30, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new AssertionError("bin/install-into-nacos.sh failed: " + output);
        }
        return output;
    }

    /**
     * Sets properties in {@code conf/application.properties} the way an operator edits it: an existing line
     * {@code key=...} gets the new value, a missing key is appended.
     */
    public void setProperties(Map<String, String> properties) throws IOException {
        Path conf = home.resolve("conf").resolve("application.properties");
        String text = Files.readString(conf);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            Matcher line = Pattern.compile("(?m)^" + Pattern.quote(e.getKey()) + "=.*$").matcher(text);
            text = line.find() ? line.replaceAll(Matcher.quoteReplacement(e.getKey() + "=" + e.getValue()))
                    : text + (text.endsWith("\n") ? "" : "\n") + e.getKey() + "=" + e.getValue() + "\n";
        }
        Files.writeString(conf, text);
    }

    /** The start script's command line for this distribution. */
    public List<String> command() {
        return script.command(home);
    }

    /**
     * Starts Nacos (the JVM's output appended to {@code logs/start.out}, no class path of this JVM handed on) and
     * returns once {@code readyPath} answers 200 on {@code httpPort}; fails with the end of its logs otherwise.
     */
    public void start(int httpPort, String readyPath) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command()).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("logs").resolve("start.out").toFile()));
        builder.environment().remove("CLASSPATH");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        long started = System.nanoTime();
        process = builder.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + httpPort + readyPath);
        long deadline = started + TimeUnit.SECONDS.toNanos(BOOT_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Nacos exited with " + process.exitValue() + " while starting:\n" + tails());
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    System.out.printf("Nacos distribution (%s), pid %d, serving after %d ms, HTTP %d%n", script,
                            process.pid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), httpPort);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Nacos did not answer " + ready + " within " + BOOT_TIMEOUT_SECONDS + " s:\n" + tails());
    }

    /** The lines of {@code logs/<file>} that contain {@code fragment}. */
    public List<String> logLines(String file, String fragment) throws IOException {
        Path log = home.resolve("logs").resolve(file);
        if (!Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(fragment)).collect(Collectors.toList());
        }
    }

    /** Waits until {@code logs/<file>} holds a line with {@code fragment}; fails with the end of the logs. */
    public String awaitLogLine(String file, String fragment, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        do {
            List<String> lines = logLines(file, fragment);
            if (!lines.isEmpty()) {
                return lines.get(0);
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("logs/" + file + " has no line with '" + fragment + "' within " + timeoutMillis
                + " ms:\n" + tails());
    }

    private String tails() {
        StringBuilder out = new StringBuilder();
        for (String file : List.of("start.out", "nacos.log")) {
            Path log = home.resolve("logs").resolve(file);
            out.append("--- logs/").append(file).append(" (").append(log).append(")\n");
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
                out.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))).append('\n');
            } catch (IOException e) {
                out.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    /**
     * Stops Nacos as {@code bin/shutdown.sh} does (SIGTERM), waits for it, keeps its logs in
     * {@code target/nacos-distribution/<script>/} and deletes the distribution.
     */
    @Override
    public void close() {
        try {
            if (process != null) {
                Processes.stop(process, 60);
            }
        } finally {
            keepLogs();
            TempDirs.delete(home);
        }
    }

    private void keepLogs() {
        Path kept = Paths.get("target", "nacos-distribution", script.name()).toAbsolutePath();
        TempDirs.delete(kept);
        try (var files = Files.walk(home.resolve("logs"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = kept.resolve(home.resolve("logs").relativize(file));
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        } catch (IOException e) {
            // best effort: the logs only help a person read a failure
        }
    }
}
