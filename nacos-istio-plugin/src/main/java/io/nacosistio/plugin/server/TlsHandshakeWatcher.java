package io.nacosistio.plugin.server;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.nacosistio.plugin.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * First handler of every accepted TLS connection: when a connection closes before its TLS handshake
 * succeeded, counts it and logs the peer and the cause (once per peer address, then at most every
 * {@link AllowListServerChannel#LOG_INTERVAL_MINUTES} minutes), e.g. an istiod that does not trust this
 * server's CA or expects another name. It sees the close first, while gRPC's TLS handler is still in the
 * pipeline. Shared by all connections; runs on their event loops.
 */
@ChannelHandler.Sharable
final class TlsHandshakeWatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeWatcher.class);

    private final ServerMetrics metrics;
    private final PeerLogLimiter logLimiter;

    TlsHandshakeWatcher(ServerMetrics metrics, PeerLogLimiter logLimiter) {
        this.metrics = metrics;
        this.logLimiter = logLimiter;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null && ssl.handshakeFuture().isDone() && !ssl.handshakeFuture().isSuccess()) {
            failed(ctx.channel().remoteAddress(), ssl.handshakeFuture().cause());
        }
        super.channelInactive(ctx);
    }

    private void failed(SocketAddress peer, Throwable cause) {
        metrics.tlsHandshakeFailures.incrementAndGet();
        long unlogged = peer instanceof InetSocketAddress && ((InetSocketAddress) peer).getAddress() != null
                ? logLimiter.record(((InetSocketAddress) peer).getAddress()) : 0;
        if (unlogged >= 0) {
            LOG.warn("nacos-istio-plugin: TLS handshake with MCP client {} failed: {} (does the client trust the CA "
                    + "of nacos.mesh.mcp.tls.cert-chain-file, and expect a name that certificate has?){}", peer,
                    describe(cause), unlogged > 0 ? "; " + unlogged + " more failures from this address since the "
                    + "last such line" : "");
        }
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "connection closed during the handshake";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? String.valueOf(cause) : cause + " (" + root + ")";
    }
}
