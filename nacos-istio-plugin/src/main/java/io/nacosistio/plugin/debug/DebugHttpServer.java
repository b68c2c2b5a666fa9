package io.nacosistio.plugin.debug;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small read-only HTTP endpoint for operators: what is served, what was skipped and why, stream
 * state and metrics. Bound to loopback by default. Requests are answered on one daemon thread
 * ({@code nacos-mesh-debug}) from immutable snapshots, so a slow reader never touches the hot path.
 */
public final class DebugHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DebugHttpServer.class);

    /** A page: from the query parameters to a body, or empty for 404. */
    public interface Page {
        Optional<String> render(Map<String, String> query);
    }

    private final Map<String, Page> pages = new LinkedHashMap<>();
    private final Map<String, String> contentTypes = new HashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public DebugHttpServer page(String path, String contentType, Page page) {
        pages.put(path, page);
        contentTypes.put(path, contentType);
        return this;
    }

    public DebugHttpServer json(String path, Function<Map<String, String>, String> body) {
        return page(path, "application/json; charset=utf-8", q -> Optional.of(body.apply(q)));
    }

    public void start(String bindAddress, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nacos-mesh-debug");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            Page page = pages.get(path);
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET is supported\n");
                return;
            }
            if (page == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "unknown page " + path + "; pages: "
                        + String.join(", ", pages.keySet()) + "\n");
                return;
            }
            Optional<String> body = page.render(query(exchange.getRequestURI().getRawQuery()));
            if (body.isPresent()) {
                send(exchange, 200, contentTypes.get(path), body.get());
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("nacos-istio-plugin: debug page {} failed", exchange.getRequestURI(), e);
            send(exchange, 500, "text/plain; charset=utf-8", "error: " + e + "\n");
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) throws UnsupportedEncodingException {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, "UTF-8"), URLDecoder.decode(value, "UTF-8"));
        }
        return params;
    }
}
