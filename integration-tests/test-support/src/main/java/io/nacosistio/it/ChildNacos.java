package io.nacosistio.it;

import io.nacosistio.quickstart.ProcessOutput;
import io.nacosistio.quickstart.Processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Nacos with the plugin in a JVM of its own, for what one JVM cannot do with its one in-process Nacos:
 * stopping Nacos and starting it again on the same ports and data directory. Booted by {@link ChildNacosMain}
 * with a test class's own {@link NacosLauncher}, on this JVM's test class path; its output goes to
 * {@code target/child-nacos/<name>.log}.
 */
public final class ChildNacos implements AutoCloseable {

    private static final long BOOT_TIMEOUT_SECONDS = 300;

    private final String name;
    private final int httpPort;
    private final Process process;
    private final Path logFile;
    private final Path serverLogs;
    private final CompletableFuture<Boolean> ready;
    private final long startedNanos;
    private volatile long readyNanos;
    private long bootMillis = -1;

    private ChildNacos(String name, int httpPort, Process process, Path logFile, Path serverLogs,
            CompletableFuture<Boolean> ready, long startedNanos) {
        this.name = name;
        this.httpPort = httpPort;
        this.process = process;
        this.logFile = logFile;
        this.serverLogs = serverLogs;
        this.ready = ready;
        this.startedNanos = startedNanos;
    }

    /** Starts Nacos and returns once it serves clients; fails with its output if it does not. */
    public static ChildNacos start(Class<? extends NacosLauncher.Provider> provider, String name, Path home,
            int httpPort, Map<String, String> properties) throws IOException, InterruptedException {
        return launch(provider, name, home, httpPort, properties, List.of("-Xmx768m")).awaitReady();
    }

    /**
     * Starts the JVM and returns at once; {@link #awaitReady()} waits until Nacos serves clients. Nodes of a
     * Nacos cluster are launched together: none finishes booting before a majority of them runs.
     *
     * @param jvmOptions options of the child JVM before its main class, e.g. {@code -Xmx512m} or
     *                   {@code -Dnacos.server.ip=127.0.0.1} (read by Nacos before its Spring environment exists)
     */
    public static ChildNacos launch(Class<? extends NacosLauncher.Provider> provider, String name, Path home,
            int httpPort, Map<String, String> properties, List<String> jvmOptions) throws IOException {
        Path logDir = Paths.get("target", "child-nacos").toAbsolutePath();
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve(name + ".log");
        // Nacos appends to its log files: a previous run's lines must not answer this run's log checks.
        TempDirs.delete(logDir.resolve(name + "-server-logs"));
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", testClassPath(),
                "-Dnacos.logs.path=" + logDir.resolve(name + "-server-logs"),
                "-DJM.LOG.PATH=" + logDir.resolve(name + "-client-logs"),
                ChildNacosMain.class.getName(), provider.getName(), home.toString(), Integer.toString(httpPort)));
        properties.forEach((k, v) -> command.add(k + "=" + v));
        // Nacos gives its embedded Derby 3 s to open; on a busy machine a first boot takes longer.
        if (!properties.containsKey("db.pool.config.connectionTimeout")) {
            command.add("db.pool.config.connectionTimeout=60000");
        }
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildNacos child = new ChildNacos(name, httpPort, process, logFile, logDir.resolve(name + "-server-logs"),
                new CompletableFuture<>(), started);
        Thread pump = new Thread(child::copyOutput, "child-nacos-output-" + name);
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    /** Waits until Nacos serves clients; kills it and fails with its output if it does not within the boot timeout. */
    public ChildNacos awaitReady() throws InterruptedException {
        boolean up;
        try {
            up = ready.get(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            up = false;
        }
        if (!up) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("Nacos (" + name + ") did not start within " + BOOT_TIMEOUT_SECONDS
                    + " s; its output is in " + logFile + ":\n" + tail(logFile));
        }
        if (bootMillis < 0) {
            bootMillis = TimeUnit.NANOSECONDS.toMillis(readyNanos - startedNanos);
            System.out.printf("Nacos (%s) in its own JVM, pid %d, up in %d ms, HTTP %d%n", name, process.pid(),
                    bootMillis, httpPort);
        }
        return this;
    }

    /** Surefire hands a forked JVM its class path in this property; java.class.path may be a manifest-only jar. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private void copyOutput() {
        try {
            ProcessOutput.copy(process, logFile, line -> {
                if (line.startsWith(ChildNacosMain.READY)) {
                    readyNanos = System.nanoTime();
                    ready.complete(true);
                }
            });
        } catch (IOException e) {
            // the process is gone; the caller learns it from the ready signal or the exit code
        } finally {
            ready.complete(false);
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Milliseconds from the JVM's start to Nacos serving clients (after {@link #awaitReady()}). */
    public long bootMillis() {
        return bootMillis;
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** The lines containing {@code fragment} in Nacos's output and in every log file Nacos wrote (nacos.log, ...). */
    public List<String> logLines(String fragment) {
        List<Path> files = new ArrayList<>(List.of(logFile));
        try (java.util.stream.Stream<Path> walk = Files.exists(serverLogs) ? Files.walk(serverLogs) : java.util.stream.Stream.empty()) {
            walk.filter(p -> p.toString().endsWith(".log")).forEach(files::add);
        } catch (IOException e) {
            // the directory is written while we read; what was read is enough for this poll
        }
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.contains(fragment)) {
                        found.add(line);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // rotated or being written; the next poll reads it
            }
        }
        return found;
    }

    /** Waits until Nacos's logs hold at least {@code count} lines containing each fragment; fails with what they hold. */
    public List<String> awaitLogLines(String fragment, int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<String> lines;
        do {
            lines = logLines(fragment);
            if (lines.size() >= count) {
                return lines;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Nacos's logs (" + logFile + ", " + serverLogs + ") do not hold " + count
                + " lines with '" + fragment + "' within " + timeoutMillis + " ms: " + lines);
    }

    /**
     * Waits until the plugin in this Nacos logs that it listens on {@code mcpPort}. Nacos reports itself up
     * whether or not the plugin started (a plugin that cannot start leaves Nacos running), and an istiod
     * started against a closed port exits at once; this fails instead with what the plugin logged. It reads
     * the log rather than probing the port, so that TLS tests count only the handshakes they make.
     */
    public void awaitPluginListening(int mcpPort, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (logLines("MCP-over-XDS server listening on").stream()
                .noneMatch(l -> l.contains(":" + mcpPort + ",") || l.contains(":" + mcpPort + " ("))) {
            boolean failed = !logLines("nacos-istio-plugin could not start").isEmpty();
            if (failed || !process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the plugin in Nacos (" + logFile + ") does not listen on MCP port " + mcpPort
                        + (process.isAlive() ? "" : " (Nacos exited with " + process.exitValue() + ")")
                        + (failed ? "" : " after " + timeoutMillis + " ms") + "; what it logged:\n"
                        + String.join("\n", logLines("nacos-istio-plugin")));
            }
            Thread.sleep(100);
        }
    }

    /** Stops Nacos the way an operator does (SIGTERM, Nacos's shutdown hooks run) and waits for the exit. */
    @Override
    public void close() {
        Processes.stop(process, 60);
    }
}
