package io.nacosistio.plugin.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.nacosistio.plugin.metrics.ServerMetrics;

import java.io.IOException;
import java.nio.file.Paths;

/**
 * The MCP server's TLS: its certificate through a {@link TlsCredentialsReloader} (rotated without a
 * restart) and, when a client CA is set, verification of client certificates: {@code OPTIONAL} checks a
 * certificate a client sends and lets clients without one in (istiod sends none), {@code REQUIRE} refuses
 * clients without one. Built once at start, on the starting thread.
 */
final class McpTls implements AutoCloseable {

    private final TlsCredentialsReloader reloader;
    private final SslContext sslContext;

    private McpTls(TlsCredentialsReloader reloader, SslContext sslContext) {
        this.reloader = reloader;
        this.sslContext = sslContext;
    }

    static McpTls start(McpServerOptions options, ServerMetrics metrics) throws IOException {
        TlsCredentialsReloader reloader = TlsCredentialsReloader.load(Paths.get(options.certChainFile),
                Paths.get(options.privateKeyFile), metrics);
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(reloader.keyManager());
            if (options.clientCaFile != null) {
                builder.trustManager(PemCredentials.certificates(Paths.get(options.clientCaFile)));
                builder.clientAuth(options.clientCertificates == McpServerOptions.ClientCertificates.REQUIRE ? ClientAuth.REQUIRE
                        : ClientAuth.OPTIONAL);
            }
            SslContext context = GrpcSslContexts.configure(builder).build();
            reloader.start(options.tlsReloadMillis);
            return new McpTls(reloader, context);
        } catch (IOException | RuntimeException e) {
            reloader.close();
            throw e;
        }
    }

    SslContext sslContext() {
        return sslContext;
    }

    /** Checks the files now (tests; the timer does the same). */
    void checkNow() {
        reloader.checkNow();
    }

    @Override
    public void close() {
        reloader.close();
    }
}
