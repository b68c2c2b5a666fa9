package io.nacosistio.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
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

    private final Process process;
    private final Path logFile;
    private final Path serverLogs;
    private final long bootMillis;

    private ChildNacos(Process process, Path logFile, Path serverLogs, long bootMillis) {
        this.process = process;
        this.logFile = logFile;
        this.serverLogs = serverLogs;
        this.bootMillis = bootMillis;
    }

    /** Starts Nacos and returns once it serves clients; fails with its output if it does not. */
    public static ChildNacos start(Class<? extends NacosLauncher.Provider> provider, String name, Path home,
            int httpPort, Map<String, String> properties) throws IOException, InterruptedException {
        Path logDir = Paths.get("target", "child-nacos").toAbsolutePath();
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve(name + ".log");
        // Nacos appends to its log files: a previous run's lines must not answer this run's log checks.
        TempDirs.delete(logDir.resolve(name + "-server-logs"));
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-cp", testClassPath(),
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
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> copy(process, logFile, ready), "child-nacos-output-" + name);
        pump.setDaemon(true);
        pump.start();
        boolean up;
        try {
            up = ready.get(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            up = false;
        }
        if (!up) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("Nacos (" + name + ") did not start within " + BOOT_TIMEOUT_SECONDS
                    + " s; its output is in " + logFile + ":\n" + tail(logFile));
        }
        long bootMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("Nacos (%s) in its own JVM, pid %d, up in %d ms, HTTP %d%n", name, process.pid(), bootMillis,
                httpPort);
        return new ChildNacos(process, logFile, logDir.resolve(name + "-server-logs"), bootMillis);
    }

    /** Surefire hands a forked JVM its class path in this property; java.class.path may be a manifest-only jar. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static void copy(Process process, Path logFile, CompletableFuture<Boolean> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (line.startsWith(ChildNacosMain.READY)) {
                    ready.complete(true);
                }
            }
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

    public long bootMillis() {
        return bootMillis;
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
        try {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
