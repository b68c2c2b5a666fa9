package io.nacosistio.it.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nacosistio.it.FreePorts;
import io.nacosistio.it.TempDirs;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real istiod ({@code pilot-discovery discovery}) run as a child process outside Kubernetes: no service
 * registry ({@code --registries=}), its mesh config's {@code configSources} only the given MCP servers, every
 * port free and on loopback, its files in a temporary directory. Its output goes to
 * {@code target/istiod-logs/<label>-<name>.log}.
 *
 * <p>Ready means the log line {@value IstiodLog#SYNCED}: istiod blocks before it until every type it
 * subscribed to has been answered, and its {@code /ready} endpoint never turns 200 without Kubernetes.
 *
 * <p>{@link #close()} always kills the process and deletes the directory, also when starting failed.
 */
public final class Istiod implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MILLIS = 20;

    private final IstiodBinary binary;
    private final IstiodOptions options;
    private final Path dir;
    private final int httpPort;
    private final int grpcPort;
    private final int monitoringPort;
    private final Process process;
    private final KubeApiStandIn kubeApi;
    private final IstiodLog log;
    private final long startedNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile long syncedNanos;

    private Istiod(IstiodBinary binary, IstiodOptions options, Path dir, int httpPort, int grpcPort, int monitoringPort,
            Process process, KubeApiStandIn kubeApi, IstiodLog log, long startedNanos) {
        this.binary = binary;
        this.options = options;
        this.dir = dir;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.monitoringPort = monitoringPort;
        this.process = process;
        this.kubeApi = kubeApi;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /** Starts istiod and returns at once; see {@link #awaitSynced()}. */
    public static Istiod start(IstiodBinary binary, IstiodOptions options) throws IOException {
        Path dir = Files.createTempDirectory("istiod-e2e");
        KubeApiStandIn kubeApi = null;
        try {
            Path mesh = dir.resolve("mesh.yaml");
            StringBuilder yaml = new StringBuilder("configSources:\n");
            for (int i = 0; i < options.configSources().size(); i++) {
                yaml.append("- address: ").append(options.configSources().get(i)).append('\n');
                ConfigSourceTls tls = options.tlsOf(i);
                if (tls != null) {
                    yaml.append(tls.yaml());
                }
            }
            Files.writeString(mesh, yaml.toString());
            Path networks = dir.resolve("meshNetworks.yaml");
            Files.writeString(networks, "");
            int httpPort = FreePorts.any();
            int grpcPort = FreePorts.any();
            int monitoringPort = FreePorts.any();
            List<String> command = new ArrayList<>(List.of(binary.path().toString(), "discovery",
                    "--meshConfig=" + mesh,
                    "--networksConfig=" + networks,
                    "--grpcAddr=127.0.0.1:" + grpcPort,
                    "--secureGRPCAddr=127.0.0.1:" + FreePorts.any(),
                    "--httpAddr=127.0.0.1:" + httpPort,
                    "--httpsAddr=127.0.0.1:" + FreePorts.any(),
                    "--monitoringAddr=127.0.0.1:" + monitoringPort,
                    "--ctrlz_port=" + FreePorts.any(),
                    "--keepaliveInterval=" + options.keepaliveInterval().toSeconds() + "s",
                    "--log_output_level=default:info,adsc:info"));
            if (binary.needsKubeApi()) {
                // This build's ServiceEntry registry takes namespaces from a Kubernetes cluster and panics
                // without a kube client; istiod creates one only for the Kubernetes registry.
                kubeApi = KubeApiStandIn.start();
                command.add("--registries=Kubernetes");
                command.add("--kubeconfig=" + kubeApi.writeKubeconfig(dir.resolve("kubeconfig")));
            } else {
                command.add("--registries=");
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            // Nothing of a surrounding cluster may leak in: istiod must run on its MCP sources alone.
            env.keySet().removeIf(k -> k.startsWith("KUBE") || k.startsWith("ISTIO") || k.startsWith("PILOT"));
            env.put("POD_NAMESPACE", "istio-system");
            env.put("POD_NAME", "istiod-e2e");
            env.put("PILOT_ENABLE_AMBIENT", "false");
            env.put("ENABLE_DEBUG_ON_HTTP", "true");
            env.put("HOME", dir.toString());
            env.remove("REVISION");
            if (!options.revision().isEmpty()) {
                env.put("REVISION", options.revision());
            }
            if (kubeApi != null) {
                // client-go's streaming list-watch expects initial events and a bookmark no stand-in sends.
                env.put("KUBE_FEATURE_WatchListClient", "false");
            }
            Path logFile = Paths.get("target", "istiod-logs", binary.label() + "-" + options.name() + ".log")
                    .toAbsolutePath();
            long started = System.nanoTime();
            Process process = builder.start();
            process.getOutputStream().close();
            IstiodLog log = IstiodLog.follow(process.getInputStream(), logFile);
            System.out.printf("istiod %s (%s) started: pid %d, debug http://127.0.0.1:%d, config sources %s, log %s%n",
                    binary.label(), options.name(), process.pid(), httpPort, options.configSources(), logFile);
            return new Istiod(binary, options, dir, httpPort, grpcPort, monitoringPort, process, kubeApi, log, started);
        } catch (IOException | RuntimeException e) {
            if (kubeApi != null) {
                kubeApi.close();
            }
            TempDirs.delete(dir);
            throw e;
        }
    }

    /**
     * Waits for the cache sync; fails with the log's tail if istiod exits or does not sync in time (it then
     * waits for a type the MCP server never answered).
     *
     * @return milliseconds from process start to the sync line
     */
    public long awaitSynced() throws InterruptedException {
        long deadline = System.nanoTime() + options.syncTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Optional<IstiodLog.Line> synced = log.await(t -> t.contains(IstiodLog.SYNCED), 0, 200);
            if (synced.isPresent()) {
                syncedNanos = synced.get().nanoTime();
                return TimeUnit.NANOSECONDS.toMillis(syncedNanos - startedNanos);
            }
            if (!process.isAlive()) {
                log.awaitEnd(2_000);
                throw new AssertionError("istiod " + describe() + " exited with " + process.exitValue()
                        + " before its caches synced; last lines of " + log.file() + ":\n" + log.tail(40));
            }
        }
        throw new AssertionError("istiod " + describe() + " did not log '" + IstiodLog.SYNCED + "' within "
                + options.syncTimeout().toSeconds() + " s: it still waits for a config type its MCP source has not"
                + " answered; last lines of " + log.file() + ":\n" + log.tail(40));
    }

    /** Waits for the sync line without failing: true once istiod has synced. */
    public boolean syncedWithin(Duration timeout) throws InterruptedException {
        Optional<IstiodLog.Line> synced = log.await(t -> t.contains(IstiodLog.SYNCED), 0, timeout.toMillis());
        synced.ifPresent(line -> syncedNanos = line.nanoTime());
        return synced.isPresent();
    }

    /** Waits for istiod to exit (it does at start when a config source cannot be reached); its exit code, if it did. */
    public Optional<Integer> exitWithin(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.awaitEnd(2_000);
            return Optional.of(process.exitValue());
        }
        return Optional.empty();
    }

    /** Every config istiod holds ({@code /debug/configz}). */
    public List<IstiodConfig> configs() throws IOException, InterruptedException {
        List<IstiodConfig> configs = new ArrayList<>();
        for (JsonNode node : debug("/debug/configz")) {
            configs.add(IstiodConfig.of(node));
        }
        return configs;
    }

    /** The configs of one kind, e.g. {@code ServiceEntry}. */
    public List<IstiodConfig> configs(String kind) throws IOException, InterruptedException {
        return configs().stream().filter(c -> c.kind().equals(kind)).toList();
    }

    /** A view of istiod's configs of one kind and the moment it was read. */
    public record Seen(long nanoTime, List<IstiodConfig> configs) {

        public Optional<IstiodConfig> byAnnotation(String key, String value) {
            return configs.stream().filter(c -> value.equals(c.annotation(key))).findFirst();
        }
    }

    /**
     * Polls {@code /debug/configz} every {@value #POLL_MILLIS} ms until the configs of {@code kind} satisfy
     * {@code condition}; fails with the last view and the log's tail after {@code timeoutMillis}.
     */
    public Seen awaitConfigs(String kind, Predicate<Seen> condition, long timeoutMillis, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Seen last;
        do {
            long now = System.nanoTime();
            last = new Seen(now, configs(kind));
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(POLL_MILLIS);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("istiod " + describe() + " did not show " + what + " within " + timeoutMillis
                + " ms; its " + kind + "s: " + last.configs().stream().map(IstiodConfig::key).toList()
                + "\nlast lines of " + log.file() + ":\n" + log.tail(20));
    }

    /** Every service in istiod's registry ({@code /debug/registryz}), ServiceEntry-derived ones included. */
    public List<JsonNode> registry() throws IOException, InterruptedException {
        List<JsonNode> services = new ArrayList<>();
        debug("/debug/registryz").forEach(services::add);
        return services;
    }

    /** The hostnames in istiod's registry. */
    public List<String> registryHosts() throws IOException, InterruptedException {
        return registry().stream().map(s -> s.path("hostname").asText()).toList();
    }

    /** A debug endpoint's JSON answer; istiod serves these only to loopback clients. */
    public JsonNode debug(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new AssertionError("istiod " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * istiod's own Prometheus metrics ({@code /metrics} on its monitoring port), as {@link IstiodMetrics}: read it
     * before and after a change to see what istiod did about it.
     */
    public IstiodMetrics metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitoringPort
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new AssertionError("istiod /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return IstiodMetrics.parse(response.body());
    }

    /** The plaintext xDS port ({@code --grpcAddr}), where sidecars and proxyless gRPC clients connect unauthenticated. */
    public int grpcPort() {
        return grpcPort;
    }

    public IstiodLog log() {
        return log;
    }

    public IstiodBinary binary() {
        return binary;
    }

    public long startedNanos() {
        return startedNanos;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String describe() {
        return binary.label() + " (" + options.name() + ", config sources " + options.configSources() + ")";
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            log.awaitEnd(2_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (kubeApi != null) {
                System.out.printf("istiod %s asked the Kubernetes API stand-in for: %s%n", describe(), kubeApi.requests());
                kubeApi.close();
            }
            TempDirs.delete(dir);
        }
    }

    /** What istiod asked the Kubernetes API stand-in for; empty when it runs without one. */
    public java.util.Set<String> kubeApiRequests() {
        return kubeApi == null ? java.util.Set.of() : kubeApi.requests();
    }
}
