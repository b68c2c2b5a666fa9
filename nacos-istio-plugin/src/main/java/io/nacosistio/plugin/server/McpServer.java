package io.nacosistio.plugin.server;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MCP-over-XDS gRPC server: its own Netty event loops and a small executor, all daemon threads
 * named {@code nacos-mesh-mcp-*}, so it shares nothing with Nacos's own gRPC servers.
 */
public final class McpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(McpServer.class);

    private final McpServerOptions options;
    private final ResourceCache cache;
    private final ServerMetrics metrics;
    private final StreamRegistry streams = new StreamRegistry();
    private Server server;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService executor;
    private McpTls tls;

    public McpServer(McpServerOptions options, ResourceCache cache, ServerMetrics metrics) {
        this.options = options;
        this.cache = cache;
        this.metrics = metrics;
    }

    /** Binds and starts serving; a port in use fails with an exception naming the address. */
    public void start() throws IOException {
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("nacos-mesh-mcp-boss", true));
        workers = new NioEventLoopGroup(2, new DefaultThreadFactory("nacos-mesh-mcp-io", true));
        executor = Executors.newFixedThreadPool(Math.max(1, options.executorThreads), daemonThreads());
        PeerLogLimiter logLimiter = new PeerLogLimiter(AllowListServerChannel.LOG_INTERVAL_MINUTES, TimeUnit.MINUTES,
                System::nanoTime);
        try {
            tls = options.tls() ? McpTls.start(options, metrics) : null;
        } catch (IOException | RuntimeException e) {
            shutdownResources();
            throw new IOException("MCP server TLS: " + e.getMessage(), e);
        }
        TlsHandshakeWatcher handshakes = tls == null ? null : new TlsHandshakeWatcher(metrics, logLimiter);
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(options.bindAddress, options.port))
                .channelFactory(() -> new AllowListServerChannel(options.allowedClients, metrics, logLimiter,
                        handshakes))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(executor)
                .permitKeepAliveTime(options.permitKeepAliveMillis, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(options.keepAliveMillis, TimeUnit.MILLISECONDS)
                .keepAliveTimeout(options.keepAliveTimeoutMillis, TimeUnit.MILLISECONDS)
                .maxInboundMessageSize(options.maxInboundMessageBytes)
                .addService(ServerInterceptors.intercept(
                        new AdsService(cache, metrics, executor, options.controlPlaneId, streams),
                        new PeerInterceptor()));
        if (tls != null) {
            builder.sslContext(tls.sslContext());
        }
        try {
            server = builder.build().start();
        } catch (IOException e) {
            shutdownResources();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new IOException("MCP port " + options.bindAddress + ":" + options.port
                        + " is already in use (is Nacos's built-in istio module enabled on the same port?)", e);
            }
            throw new IOException("MCP server could not listen on " + options.bindAddress + ":" + options.port, e);
        }
        LOG.info("nacos-istio-plugin: MCP-over-XDS server listening on {}:{}{}, clients allowed from {}",
                options.bindAddress, port(), tls == null ? "" : " (TLS" + (options.clientCaFile == null ? ""
                        : ", client certificates " + options.clientCertificates) + ")", options.allowedClients);
    }

    /** The bound port; useful when started on port 0. */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /** Snapshots of every open stream, for the debug view. */
    public List<StreamInfo> streams() {
        try {
            return streams.describeAll(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Collections.emptyList();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            for (McpStream stream : streams.all()) {
                stream.shutdown();
            }
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        shutdownResources();
    }

    /** Checks the TLS files for a rotation now, as the timer does; no-op without TLS. */
    void checkTlsFilesNow() {
        if (tls != null) {
            tls.checkNow();
        }
    }

    private void shutdownResources() {
        if (tls != null) {
            tls.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "nacos-mesh-mcp-exec-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
