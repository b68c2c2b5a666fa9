package io.nacosistio.it.istiod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least of a Kubernetes API server that lets an istiod which insists on a kube client start with nothing
 * from Kubernetes: discovery answers, empty lists, watches that stay open and deliver nothing, and a plain
 * in-memory store for the few objects istiod writes for itself (its CA secret, leader-election leases).
 * No cluster state reaches istiod from here, so everything it holds still comes from its MCP sources.
 *
 * <p>Every distinct request (method and path, query left out) is recorded, to show what istiod asks for.
 * Requests are served on a cached pool of daemon threads, since a watch holds its thread until it times out.
 */
public final class KubeApiStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A watch is held open at most this long; the client then simply watches again. */
    private static final long MAX_WATCH_SECONDS = 60;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> requests = Collections.synchronizedSet(new TreeSet<>());
    /** Objects written by istiod, by collection path, then by name. */
    private final Map<String, Map<String, ObjectNode>> store = new LinkedHashMap<>();
    private final AtomicLong resourceVersion = new AtomicLong(100);
    private volatile boolean closed;

    private KubeApiStandIn(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free loopback port. */
    public static KubeApiStandIn start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "kube-api-stand-in");
            thread.setDaemon(true);
            return thread;
        });
        KubeApiStandIn standIn = new KubeApiStandIn(server, executor);
        server.createContext("/", standIn::handle);
        server.setExecutor(executor);
        server.start();
        return standIn;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** A kubeconfig pointing at this stand-in, plain HTTP, no credentials. */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stand-in
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: stand-in
                  context:
                    cluster: stand-in
                    user: nobody
                current-context: stand-in
                users:
                - name: nobody
                  user: {}
                """.formatted(port()));
        return file;
    }

    /** What istiod asked for, e.g. {@code GET /api/v1/namespaces}. */
    public Set<String> requests() {
        synchronized (requests) {
            return new TreeSet<>(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
            boolean watch = query.contains("watch=true") || query.contains("watch=1");
            requests.add(method + " " + path + (watch ? " (watch)" : ""));
            if (path.equals("/version")) {
                send(exchange, 200, JSON.createObjectNode().put("major", "1").put("minor", "33")
                        .put("gitVersion", "v1.33.0").put("platform", "linux/amd64"));
            } else if (path.equals("/api")) {
                ObjectNode versions = JSON.createObjectNode().put("kind", "APIVersions");
                versions.putArray("versions").add("v1");
                versions.putArray("serverAddressByClientCIDRs");
                send(exchange, 200, versions);
            } else if (path.equals("/apis")) {
                ObjectNode groups = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
                groups.putArray("groups");
                send(exchange, 200, groups);
            } else if (isDiscovery(path)) {
                ObjectNode resources = JSON.createObjectNode().put("kind", "APIResourceList")
                        .put("groupVersion", path.startsWith("/api/") ? "v1" : path.substring("/apis/".length()));
                resources.putArray("resources");
                send(exchange, 200, resources);
            } else if (watch) {
                holdWatch(exchange, query);
            } else {
                answer(exchange, method, path, queryParameter(query, "labelSelector"));
            }
        }
    }

    private static boolean isDiscovery(String path) {
        String[] parts = path.substring(1).split("/");
        return (parts[0].equals("api") && parts.length == 2) || (parts[0].equals("apis") && parts.length <= 3);
    }

    /** Lists, gets and writes against the in-memory store; the last path segment decides collection or object. */
    private void answer(HttpExchange exchange, String method, String path, String labelSelector) throws IOException {
        synchronized (store) {
            if (method.equals("GET") && store.containsKey(path) || method.equals("GET") && looksLikeCollection(path)) {
                ObjectNode list = JSON.createObjectNode().put("kind", kindOf(path) + "List")
                        .put("apiVersion", apiVersionOf(path));
                list.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion.get()));
                ArrayNode items = list.putArray("items");
                store.getOrDefault(path, Map.of()).values().stream().filter(o -> matches(o, labelSelector))
                        .forEach(items::add);
                send(exchange, 200, list);
                return;
            }
            String collection = path.substring(0, path.lastIndexOf('/'));
            String name = path.substring(path.lastIndexOf('/') + 1);
            switch (method) {
                case "POST" -> {
                    ObjectNode object = (ObjectNode) JSON.readTree(exchange.getRequestBody());
                    stamp(object);
                    store.computeIfAbsent(path, k -> new LinkedHashMap<>())
                            .put(object.path("metadata").path("name").asText(), object);
                    send(exchange, 201, object);
                }
                case "PUT" -> {
                    ObjectNode object = (ObjectNode) JSON.readTree(exchange.getRequestBody());
                    stamp(object);
                    store.computeIfAbsent(collection, k -> new LinkedHashMap<>()).put(name, object);
                    send(exchange, 200, object);
                }
                case "GET", "PATCH" -> {
                    ObjectNode object = store.getOrDefault(collection, Map.of()).get(name);
                    if (object == null) {
                        send(exchange, 404, status(404, "NotFound", name + " not found"));
                    } else {
                        send(exchange, 200, object);
                    }
                }
                case "DELETE" -> {
                    store.getOrDefault(collection, new LinkedHashMap<>()).remove(name);
                    send(exchange, 200, status(200, "Success", "deleted"));
                }
                default -> send(exchange, 405, status(405, "MethodNotAllowed", method));
            }
        }
    }

    /**
     * Collections are named by a plural resource after a version or a namespace: /api/v1/pods,
     * /api/v1/namespaces/x/secrets, /apis/g/v/leases, /apis/g/v/namespaces/x/leases; /api/v1/namespaces is one too.
     */
    private static boolean looksLikeCollection(String path) {
        String[] parts = path.substring(1).split("/");
        int base = parts[0].equals("api") ? 2 : 3;
        int rest = parts.length - base;
        return rest == 1 || (rest == 3 && parts[base].equals("namespaces"));
    }

    private void stamp(ObjectNode object) {
        ObjectNode metadata = object.has("metadata") ? (ObjectNode) object.get("metadata") : object.putObject("metadata");
        metadata.put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
        if (!metadata.has("uid")) {
            metadata.put("uid", java.util.UUID.randomUUID().toString());
        }
        if (!metadata.has("creationTimestamp")) {
            metadata.put("creationTimestamp", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .toString());
        }
    }

    /** Opens the watch stream and sends nothing until it times out, the client leaves or the stand-in closes. */
    private void holdWatch(HttpExchange exchange, String query) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        body.flush();
        long seconds = MAX_WATCH_SECONDS;
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("timeoutSeconds=")) {
                seconds = Math.min(seconds, Long.parseLong(parameter.substring("timeoutSeconds=".length())));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (!closed && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kinds whose plural cannot be turned back into the kind by rule: several words, irregular plurals. */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("configmaps", "ConfigMap"),
            Map.entry("endpoints", "Endpoints"),
            Map.entry("endpointslices", "EndpointSlice"),
            Map.entry("ingressclasses", "IngressClass"),
            Map.entry("mutatingwebhookconfigurations", "MutatingWebhookConfiguration"),
            Map.entry("validatingwebhookconfigurations", "ValidatingWebhookConfiguration"),
            Map.entry("customresourcedefinitions", "CustomResourceDefinition"),
            Map.entry("serviceaccounts", "ServiceAccount"),
            Map.entry("persistentvolumeclaims", "PersistentVolumeClaim"),
            Map.entry("replicasets", "ReplicaSet"),
            Map.entry("statefulsets", "StatefulSet"),
            Map.entry("daemonsets", "DaemonSet"),
            Map.entry("gatewayclasses", "GatewayClass"),
            Map.entry("httproutes", "HTTPRoute"),
            Map.entry("grpcroutes", "GRPCRoute"),
            Map.entry("tcproutes", "TCPRoute"),
            Map.entry("tlsroutes", "TLSRoute"),
            Map.entry("udproutes", "UDPRoute"),
            Map.entry("referencegrants", "ReferenceGrant"),
            Map.entry("backendtlspolicies", "BackendTLSPolicy"),
            Map.entry("serviceentries", "ServiceEntry"),
            Map.entry("workloadentries", "WorkloadEntry"),
            Map.entry("workloadgroups", "WorkloadGroup"),
            Map.entry("certificatesigningrequests", "CertificateSigningRequest"),
            Map.entry("tokenreviews", "TokenReview"),
            Map.entry("subjectaccessreviews", "SubjectAccessReview"));

    private static String kindOf(String path) {
        String plural = path.substring(path.lastIndexOf('/') + 1);
        String known = KINDS.get(plural);
        if (known != null) {
            return known;
        }
        String singular = plural.endsWith("ies") ? plural.substring(0, plural.length() - 3) + "y"
                : plural.endsWith("sses") ? plural.substring(0, plural.length() - 2)
                : plural.endsWith("s") ? plural.substring(0, plural.length() - 1) : plural;
        return Character.toUpperCase(singular.charAt(0)) + singular.substring(1);
    }

    /**
     * Whether an object matches a label selector of equality terms ({@code k=v}, {@code k==v}, {@code k!=v},
     * {@code k}, {@code !k}); set-based terms match nothing, so a watcher never sees objects it did not ask for.
     */
    static boolean matches(JsonNode object, String selector) {
        if (selector == null || selector.isEmpty()) {
            return true;
        }
        JsonNode labels = object.path("metadata").path("labels");
        for (String term : selector.split(",")) {
            if (term.contains(" in ") || term.contains(" notin ") || term.contains("(")) {
                return false;
            } else if (term.contains("!=")) {
                String[] kv = term.split("!=", 2);
                if (kv[1].equals(labels.path(kv[0]).asText(null))) {
                    return false;
                }
            } else if (term.contains("=")) {
                String[] kv = term.split("==?", 2);
                if (!kv[1].equals(labels.path(kv[0]).asText(null))) {
                    return false;
                }
            } else if (term.startsWith("!")) {
                if (labels.has(term.substring(1))) {
                    return false;
                }
            } else if (!labels.has(term)) {
                return false;
            }
        }
        return true;
    }

    private static String queryParameter(String rawQuery, String name) {
        for (String parameter : rawQuery.split("&")) {
            if (parameter.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(parameter.substring(name.length() + 1),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String apiVersionOf(String path) {
        String[] parts = path.substring(1).split("/");
        return parts[0].equals("api") ? parts[1] : parts[1] + "/" + parts[2];
    }

    private static JsonNode status(int code, String reason, String message) {
        return JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                .put("status", code < 300 ? "Success" : "Failure").put("reason", reason).put("message", message)
                .put("code", code);
    }

    private static void send(HttpExchange exchange, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
