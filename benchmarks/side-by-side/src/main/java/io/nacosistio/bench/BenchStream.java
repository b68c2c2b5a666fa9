package io.nacosistio.bench;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.nacosistio.it.IstiodLikeClient;
import io.nacosistio.it.IstiodLikeClient.Received;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One istiod-like stream of the benchmark: test-support's {@link IstiodLikeClient} in its decode-free mode
 * (each response read for its header fields only, so a hundred clients in the servers' JVM stay cheap),
 * subscribed to every type URL the server understands, and the questions the scenarios ask of its ServiceEntry
 * responses. A measuring stream also hands each ServiceEntry response, decoded, to a {@link ChangeTracker}; a
 * stalled one requests no message from its transport, so once gRPC's flow-control window is full the server
 * cannot write to it, as with an istiod that stopped reading.
 *
 * <p>Threads: all streams share two Netty event loops ({@code bench-client-io-*}) and two callback threads
 * ({@code bench-client-exec-*}), so their CPU is never counted as a server's.
 */
final class BenchStream implements AutoCloseable {

    enum Mode { COUNT, MEASURE, STALL }

    private static final EventLoopGroup IO = new NioEventLoopGroup(2, new DefaultThreadFactory("bench-client-io", true));
    private static final ExecutorService CALLBACKS = Executors.newFixedThreadPool(2, daemon("bench-client-exec-"));
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final int BUILT_IN_ATTEMPTS = 8;

    private final MeshServer server;
    private final IstiodLikeClient client;

    /** Opens the stream and subscribes, as istiod does on start; a tracker is given to measuring streams only. */
    BenchStream(MeshServer server, int port, Mode mode, ChangeTracker tracker) {
        this.server = server;
        IstiodLikeClient.Builder builder = IstiodLikeClient.builder("127.0.0.1", port)
                .node(IstiodLikeClient.istiodNode("bench-" + IDS.incrementAndGet()))
                .sharedThreads(IO, CALLBACKS).decodeFree();
        if (mode == Mode.STALL) {
            builder.stalled();
        }
        if (tracker != null) {
            builder.listener((received, message) -> {
                if (received.typeUrl().equals(server.serviceEntryTypeUrl())) {
                    tracker.onServiceEntries(received.nanoTime(), received.version(), message.get());
                }
            });
        }
        this.client = builder.build().subscribe(server.typeUrls());
    }

    /** A stalled stream starts reading again. */
    void resume() {
        client.resume();
    }

    long subscribedAtNanos() {
        return client.connectedAtNanos();
    }

    long responses() {
        return client.responseCount();
    }

    long bytes() {
        return client.bytesReceived();
    }

    long serviceEntryResponses() {
        return serviceEntryArrivals().size();
    }

    /** Why the stream ended, or null while it runs. */
    Throwable error() {
        if (!client.errors().isEmpty()) {
            return client.errors().get(0);
        }
        return client.streamEnded() ? new IllegalStateException("server closed the stream") : null;
    }

    /** Every ServiceEntry response: when it arrived, its version, how many resources and bytes it held. */
    List<Received> serviceEntryArrivals() {
        return client.history(server.serviceEntryTypeUrl());
    }

    /** The first ServiceEntry response holding at least {@code services} resources, if one arrived. */
    Received firstWithAtLeast(int services) {
        return serviceEntryArrivals().stream().filter(r -> r.resourceCount() >= services).findFirst().orElse(null);
    }

    Received lastServiceEntry() {
        return client.latest(server.serviceEntryTypeUrl()).orElse(null);
    }

    /**
     * A subscribed stream that holds at least {@code services} ServiceEntries. The built-in module fails a stream
     * that subscribes while another one does, or before it built its first snapshot after registrations; such a
     * stream is closed, {@code onBuiltInFailure} told, and a new one tried after a growing pause (at most
     * {@link #BUILT_IN_ATTEMPTS} attempts). A plugin stream that fails is an error at once.
     */
    static BenchStream subscribeSynced(MeshServer server, int port, Mode mode, ChangeTracker tracker, int services,
            long timeoutMillis, Runnable onBuiltInFailure) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            BenchStream stream = new BenchStream(server, port, mode, tracker);
            try {
                await(() -> stream.firstWithAtLeast(services) != null || stream.error() != null, timeoutMillis,
                        () -> server.label() + " client never received " + services + " ServiceEntries; last: "
                                + stream.lastServiceEntry() + "; error: " + stream.error());
                if (stream.firstWithAtLeast(services) == null) {
                    throw new IllegalStateException(server.label() + " stream failed before it held " + services
                            + " ServiceEntries: " + stream.error());
                }
                return stream;
            } catch (IllegalStateException e) {
                stream.close();
                if (server != MeshServer.BUILT_IN || stream.error() == null || attempt >= BUILT_IN_ATTEMPTS) {
                    throw e;
                }
                onBuiltInFailure.run();
                Log.info("built-in: stream failed while subscribing (%s); reconnecting in %d s", stream.error(),
                        attempt);
                Thread.sleep(attempt * 1000L);
            }
        }
    }

    static void await(BooleanSupplier condition, long timeoutMillis, java.util.function.Supplier<String> failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure.get());
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
