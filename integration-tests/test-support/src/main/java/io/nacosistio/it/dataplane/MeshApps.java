package io.nacosistio.it.dataplane;

import io.nacosistio.it.TempDirs;
import io.nacosistio.it.istiod.IstiodBinary;
import io.nacosistio.quickstart.ProcessOutput;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The mesh applications of {@code integration-tests/mesh-apps} ({@code io.nacosistio.it.mesh.MeshAppMain}) in a JVM
 * of their own: gRPC echo servers that register themselves in Nacos with the Nacos Java client, and a proxyless
 * gRPC caller (grpc-xds) whose bootstrap points at istiod's plaintext xDS port. That JVM's class path is the one
 * Maven resolved for the module ({@code target/classpath.txt}): grpc-xds cannot share a class path with the
 * in-process Nacos's own gRPC. Its output goes to {@code target/mesh-apps/<name>.log}.
 *
 * <p>Commands are answered in order; the caller's thread waits for each answer. {@link #close()} ends the JVM
 * (its servers deregister on the way out) and deletes the bootstrap.
 */
public final class MeshApps implements AutoCloseable {

    private static final String ANSWER = "MESH-APP ";
    private static final String MAIN = "io.nacosistio.it.mesh.MeshAppMain";

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path dir;
    private final Path logFile;

    private MeshApps(Process process, Path dir, Path logFile) {
        this.process = process;
        this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.dir = dir;
        this.logFile = logFile;
    }

    /**
     * Starts the JVM; servers register in Nacos at {@code nacosAddress} under {@code service}; the caller's xDS
     * node is {@code nodeId} with {@code nodeMetadata}, its server {@code 127.0.0.1:xdsPort}.
     */
    public static MeshApps start(String name, String nacosAddress, String service, int xdsPort, String nodeId,
            Map<String, String> nodeMetadata) throws IOException, InterruptedException {
        Path module = IstiodBinary.projectRoot().resolve("integration-tests/mesh-apps/target");
        Path classPathFile = module.resolve("classpath.txt");
        if (!Files.isRegularFile(classPathFile)) {
            throw new AssertionError(classPathFile + " is missing: build integration-tests/mesh-apps first (the reactor"
                    + " does it with -am)");
        }
        String classPath = module.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(classPathFile).trim();
        Path dir = Files.createTempDirectory("mesh-apps");
        Path bootstrap = dir.resolve("grpc-bootstrap.json");
        Files.writeString(bootstrap, bootstrap(xdsPort, nodeId, nodeMetadata));
        Path logDir = Paths.get("target", "mesh-apps").toAbsolutePath();
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                "-DJM.LOG.PATH=" + logDir.resolve(name + "-nacos-client-logs"),
                MAIN, nacosAddress, service));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GRPC_XDS_BOOTSTRAP", bootstrap.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw e;
        }
        MeshApps apps = new MeshApps(process, dir, logFile);
        Thread pump = new Thread(apps::pump, "mesh-apps-output-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            apps.expect("ready", 120);
        } catch (AssertionError | InterruptedException e) {
            apps.close();
            throw e;
        }
        System.out.printf("mesh applications (%s) in their own JVM, pid %d, xDS server 127.0.0.1:%d, log %s%n", name,
                process.pid(), xdsPort, logFile);
        return apps;
    }

    /** The bootstrap istio-agent writes for a proxyless gRPC application, without certificates (plaintext). */
    static String bootstrap(int xdsPort, String nodeId, Map<String, String> metadata) {
        StringBuilder meta = new StringBuilder();
        new TreeMap<>(metadata).forEach((k, v) -> meta.append(meta.length() == 0 ? "" : ", ")
                .append('"').append(k).append("\": \"").append(v).append('"'));
        return """
                {
                  "xds_servers": [{
                    "server_uri": "127.0.0.1:%d",
                    "channel_creds": [{"type": "insecure"}],
                    "server_features": ["xds_v3"]
                  }],
                  "node": {"id": "%s", "metadata": {%s}}
                }
                """.formatted(xdsPort, nodeId, meta);
    }

    /** Starts an echo server answering {@code id} on {@code ip:port}, registered in Nacos with {@code version}. */
    public void serve(String id, String ip, int port, String version) throws IOException, InterruptedException {
        send("serve " + id + " " + ip + " " + port + " " + version);
        expect("served " + id, 30);
    }

    /**
     * Starts an echo server answering {@code id} on {@code ip:port}, registered in Nacos under {@code service} with
     * {@code weight} and metadata {@code istio-locality=locality}.
     */
    public void serve(String id, String service, String ip, int port, double weight, String locality)
            throws IOException, InterruptedException {
        send("serve " + id + " " + ip + " " + port + " v1 service=" + service + " weight=" + weight + " locality="
                + locality);
        expect("served " + id, 30);
    }

    /** Registers the server's instance again with {@code weight}, as an application changing its weight does. */
    public void weigh(String id, double weight) throws IOException, InterruptedException {
        send("weigh " + id + " " + weight);
        expect("weighed " + id, 30);
    }

    /** Deregisters the server from Nacos; it keeps serving. */
    public void deregister(String id) throws IOException, InterruptedException {
        send("deregister " + id);
        expect("deregistered " + id, 30);
    }

    /** Deregisters the server from Nacos (if it still is), then stops it. */
    public void stop(String id) throws IOException, InterruptedException {
        send("stop " + id);
        expect("stopped " + id, 30);
    }

    /** The answers to {@code count} calls on {@code target}: calls per answering instance, and failed calls. */
    public record Calls(Map<String, Integer> byInstance, int errors, String lastError) {

        public int total() {
            return byInstance.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The share of the answered calls {@code id} took, in percent. */
        public double percent(String id) {
            return total() == 0 ? 0 : 100.0 * byInstance.getOrDefault(id, 0) / total();
        }
    }

    public Calls call(String target, int count) throws IOException, InterruptedException {
        send("call " + target + " " + count);
        String line = expect("calls", 30 + count / 10);
        Map<String, Integer> byInstance = new TreeMap<>();
        int errors = 0;
        String lastError = null;
        int cut = line.indexOf(" last-error=");
        if (cut >= 0) {
            lastError = line.substring(cut + " last-error=".length());
            line = line.substring(0, cut);
        }
        for (String word : line.substring("calls".length()).trim().split(" ")) {
            String[] kv = word.split("=", 2);
            if (kv[0].equals("errors")) {
                errors = Integer.parseInt(kv[1]);
            } else if (kv.length == 2) {
                byInstance.put(kv[0], Integer.parseInt(kv[1]));
            }
        }
        return new Calls(byInstance, errors, lastError);
    }

    private synchronized void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    private String expect(String prefix, long timeoutSeconds) throws InterruptedException {
        String answer = answers.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (answer == null || !answer.startsWith(prefix)) {
            throw new AssertionError("the mesh applications answered " + (answer == null ? "nothing" : "'" + answer + "'")
                    + " where '" + prefix + "' was due (alive: " + process.isAlive() + "); their output: " + logFile
                    + "\n" + tail());
        }
        return answer;
    }

    private void pump() {
        try {
            ProcessOutput.copy(process, logFile, line -> {
                if (line.startsWith(ANSWER)) {
                    answers.add(line.substring(ANSWER.length()));
                }
            });
        } catch (IOException e) {
            // the process is gone; a pending expect() reports it
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            commands.close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            TempDirs.delete(dir);
        }
    }
}
