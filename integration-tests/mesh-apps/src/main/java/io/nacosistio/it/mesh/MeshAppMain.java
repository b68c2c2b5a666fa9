package io.nacosistio.it.mesh;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A small mesh in one JVM, driven line by line on standard input by the data-plane test:
 * <ul>
 *   <li>{@code serve <id> <ip> <port> <version> [service=<name>] [weight=<w>] [locality=<region/zone/subzone>]}:
 *       starts a gRPC echo server on {@code ip:port} that answers every call with {@code id}, and registers it in
 *       Nacos with the Nacos Java client (service {@code args[1]} unless {@code service} is given, metadata
 *       {@code protocol=grpc}, {@code version}, and {@code istio-locality} when {@code locality} is given; Nacos's
 *       default weight 1 unless {@code weight} is given); answers {@code served <id>}.</li>
 *   <li>{@code weigh <id> <weight>}: registers the server's instance again with another weight, as an application
 *       changing its weight does; answers {@code weighed <id>}.</li>
 *   <li>{@code deregister <id>}: deregisters it from Nacos; it keeps serving; answers {@code deregistered <id>}.</li>
 *   <li>{@code stop <id>}: deregisters it from Nacos, then stops it; answers {@code stopped <id>}.</li>
 *   <li>{@code call <target> <count>}: makes {@code count} calls through a proxyless gRPC channel on
 *       {@code target} (e.g. {@code xds:///orders.default-group.public.nacos:50051}, found through the xDS server
 *       of the bootstrap in {@code GRPC_XDS_BOOTSTRAP}); answers {@code calls id=n ... errors=n}, the last error's
 *       message after {@code last-error=} when there was one.</li>
 * </ul>
 * Arguments: the Nacos server address and the service name. Every answer is one line on standard output, prefixed
 * with {@value #ANSWER}; the JVM ends when standard input closes.
 *
 * <p>Single-threaded: the command loop owns every server, channel and the naming client.
 */
public final class MeshAppMain {

    public static final String ANSWER = "MESH-APP ";

    /** One unary method whose messages are UTF-8 text: no generated code needed on either side. */
    static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("nacosistio.Echo", "Who"))
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();

    private final Properties naming;
    private final String service;
    /** One naming client per server: Nacos keeps one registration per client and service. */
    private final Map<String, NamingService> clients = new HashMap<>();
    private final Map<String, Server> servers = new HashMap<>();
    private final Map<String, Instance> instances = new HashMap<>();
    /** The service each server registered under. */
    private final Map<String, String> services = new HashMap<>();
    private final Map<String, ManagedChannel> channels = new HashMap<>();

    private MeshAppMain(Properties naming, String service) {
        this.naming = naming;
        this.service = service;
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(PropertyKeyConst.SERVER_ADDR, args[0]);
        MeshAppMain app = new MeshAppMain(props, args[1]);
        answer("ready");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                try {
                    app.run(words);
                } catch (Exception e) {
                    answer("failed " + words[0] + ": " + e);
                }
            }
        } finally {
            app.close();
        }
        System.exit(0);
    }

    private void run(String[] words) throws Exception {
        switch (words[0]) {
            case "serve" -> serve(words[1], words[2], Integer.parseInt(words[3]), words[4], options(words, 5));
            case "weigh" -> weigh(words[1], Double.parseDouble(words[2]));
            case "deregister" -> deregister(words[1]);
            case "stop" -> stop(words[1]);
            case "call" -> call(words[1], Integer.parseInt(words[2]));
            default -> answer("failed " + words[0] + ": unknown command");
        }
    }

    /** The {@code key=value} words from {@code from} on. */
    private static Map<String, String> options(String[] words, int from) {
        Map<String, String> options = new HashMap<>();
        for (int i = from; i < words.length; i++) {
            String[] kv = words[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("'" + words[i] + "' is not key=value");
            }
            options.put(kv[0], kv[1]);
        }
        return options;
    }

    private void serve(String id, String ip, int port, String version, Map<String, String> options) throws Exception {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("nacosistio.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(id);
                    response.onCompleted();
                }))
                .build();
        // Bound to the instance's own loopback address, as a host of its own would be.
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(ip, port), InsecureServerCredentials.create())
                .addService(echo).build().start();
        servers.put(id, server);
        Instance instance = new Instance();
        instance.setIp(ip);
        instance.setPort(port);
        instance.setMetadata(new HashMap<>(Map.of("protocol", "grpc", "version", version, "instance", id)));
        if (options.containsKey("locality")) {
            instance.getMetadata().put("istio-locality", options.get("locality"));
        }
        if (options.containsKey("weight")) {
            instance.setWeight(Double.parseDouble(options.get("weight")));
        }
        String serviceName = options.getOrDefault("service", service);
        NamingService client = NamingFactory.createNamingService(naming);
        clients.put(id, client);
        client.registerInstance(serviceName, instance);
        instances.put(id, instance);
        services.put(id, serviceName);
        answer("served " + id);
    }

    private void weigh(String id, double weight) throws Exception {
        Instance instance = instances.get(id);
        if (instance == null) {
            throw new IllegalStateException(id + " is not registered");
        }
        instance.setWeight(weight);
        clients.get(id).registerInstance(services.get(id), instance);
        answer("weighed " + id);
    }

    private void deregister(String id) throws Exception {
        Instance instance = instances.remove(id);
        if (instance != null) {
            clients.get(id).deregisterInstance(services.get(id), instance);
        }
        answer("deregistered " + id);
    }

    private void stop(String id) throws Exception {
        Instance instance = instances.remove(id);
        if (instance != null) {
            clients.get(id).deregisterInstance(services.get(id), instance);
        }
        clients.remove(id).shutDown();
        Server server = servers.remove(id);
        server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
        answer("stopped " + id);
    }

    private void call(String target, int count) {
        ManagedChannel channel = channels.computeIfAbsent(target,
                t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create()).build());
        Map<String, Integer> answered = new TreeMap<>();
        int errors = 0;
        String lastError = null;
        for (int i = 0; i < count; i++) {
            try {
                String who = ClientCalls.blockingUnaryCall(channel, ECHO,
                        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "who");
                answered.merge(who, 1, Integer::sum);
            } catch (RuntimeException e) {
                errors++;
                lastError = e.getMessage();
            }
        }
        StringBuilder out = new StringBuilder("calls");
        answered.forEach((who, n) -> out.append(' ').append(who).append('=').append(n));
        out.append(" errors=").append(errors);
        if (lastError != null) {
            out.append(" last-error=").append(lastError.replace('\n', ' '));
        }
        answer(out.toString());
    }

    private void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (Map.Entry<String, NamingService> e : new LinkedHashMap<>(clients).entrySet()) {
            try {
                // Nacos drops a client's instances with its connection.
                e.getValue().shutDown();
            } catch (Exception ignored) {
                // exiting
            }
        }
        servers.values().forEach(Server::shutdownNow);
    }

    private static void answer(String text) {
        System.out.println(ANSWER + text);
        System.out.flush();
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
