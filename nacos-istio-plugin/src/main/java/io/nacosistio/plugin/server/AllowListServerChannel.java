package io.nacosistio.plugin.server;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.nacosistio.plugin.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The MCP port's listening socket: a connection from outside the allowed client networks is closed as soon
 * as it is accepted, before a TLS handshake or any HTTP/2 byte, counted, and logged once per peer (then at
 * most every {@link #LOG_INTERVAL_MINUTES} minutes). Accepted connections get the {@code acceptedHandler}
 * (if any) first in their pipeline. Runs on the server's boss event loop.
 */
final class AllowListServerChannel extends NioServerSocketChannel {

    static final long LOG_INTERVAL_MINUTES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AllowListServerChannel.class);

    private final ClientNetworks allowed;
    private final ServerMetrics metrics;
    private final PeerLogLimiter logLimiter;
    private final ChannelHandler acceptedHandler;

    AllowListServerChannel(ClientNetworks allowed, ServerMetrics metrics, PeerLogLimiter logLimiter,
            ChannelHandler acceptedHandler) {
        this.allowed = allowed;
        this.metrics = metrics;
        this.logLimiter = logLimiter;
        this.acceptedHandler = acceptedHandler;
    }

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
        int before = buf.size();
        int accepted = super.doReadMessages(buf);
        for (int i = buf.size() - 1; i >= before; i--) {
            NioSocketChannel child = (NioSocketChannel) buf.get(i);
            InetSocketAddress peer = child.remoteAddress();
            if (peer == null || peer.getAddress() == null || !allowed.allows(peer.getAddress())) {
                buf.remove(i);
                accepted--;
                child.unsafe().closeForcibly();
                refused(peer);
            } else if (acceptedHandler != null) {
                child.pipeline().addFirst(acceptedHandler);
            }
        }
        return accepted;
    }

    private void refused(InetSocketAddress peer) {
        metrics.connectionsRefused.incrementAndGet();
        if (peer == null || peer.getAddress() == null) {
            LOG.warn("nacos-istio-plugin: refused an MCP connection whose peer address is unknown");
            return;
        }
        long unlogged = logLimiter.record(peer.getAddress());
        if (unlogged >= 0) {
            LOG.warn("nacos-istio-plugin: refused MCP connection from {}: not in nacos.mesh.mcp.allowed-clients ({})"
                    + "{}", peer, allowed, unlogged > 0 ? "; " + unlogged + " more from this address since the "
                    + "last such line" : "");
        }
    }
}
