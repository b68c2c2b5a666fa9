package io.nacosistio.plugin.server;

import java.util.concurrent.TimeUnit;

/** Transport settings of the MCP server. Immutable; build with {@link #builder()}. */
public final class McpServerOptions {

    final String bindAddress;
    final int port;
    final long permitKeepAliveMillis;
    final long keepAliveMillis;
    final long keepAliveTimeoutMillis;
    final int maxInboundMessageBytes;
    final int executorThreads;
    final String certChainFile;
    final String privateKeyFile;
    final String controlPlaneId;
    final ClientNetworks allowedClients;
    final String clientCaFile;
    final ClientCertificates clientCertificates;
    final long tlsReloadMillis;

    /** Whether and how MCP clients must present a certificate signed by the client CA. */
    public enum ClientCertificates {
        /** Verified when a client sends one; clients without one are served (istiod sends none). */
        OPTIONAL,
        /** Required and verified: clients without one are refused in the handshake. */
        REQUIRE
    }

    private McpServerOptions(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.permitKeepAliveMillis = b.permitKeepAliveMillis;
        this.keepAliveMillis = b.keepAliveMillis;
        this.keepAliveTimeoutMillis = b.keepAliveTimeoutMillis;
        this.maxInboundMessageBytes = b.maxInboundMessageBytes;
        this.executorThreads = b.executorThreads;
        this.certChainFile = b.certChainFile;
        this.privateKeyFile = b.privateKeyFile;
        this.controlPlaneId = b.controlPlaneId;
        this.allowedClients = b.allowedClients;
        this.clientCaFile = b.clientCaFile;
        this.clientCertificates = b.clientCertificates;
        this.tlsReloadMillis = b.tlsReloadMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String bindAddress() {
        return bindAddress;
    }

    boolean tls() {
        return certChainFile != null && !certChainFile.isEmpty();
    }

    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private int port = 18848;
        private long permitKeepAliveMillis = TimeUnit.SECONDS.toMillis(10);
        private long keepAliveMillis = TimeUnit.SECONDS.toMillis(60);
        private long keepAliveTimeoutMillis = TimeUnit.SECONDS.toMillis(20);
        private int maxInboundMessageBytes = 64 * 1024 * 1024;
        private int executorThreads = 2;
        private String certChainFile;
        private String privateKeyFile;
        private String controlPlaneId = "nacos-istio-plugin";
        private ClientNetworks allowedClients = ClientNetworks.parse(ClientNetworks.PRIVATE_NETWORKS);
        private String clientCaFile;
        private ClientCertificates clientCertificates = ClientCertificates.OPTIONAL;
        private long tlsReloadMillis = TimeUnit.SECONDS.toMillis(10);

        /** Address to listen on; {@code 0.0.0.0} for every interface. */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** Port to listen on; 0 picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Shortest client keepalive ping interval accepted without GOAWAY; istiod pings every 30 s. */
        public Builder permitKeepAliveMillis(long millis) {
            this.permitKeepAliveMillis = millis;
            return this;
        }

        /** How often the server pings an idle connection to find dead peers. */
        public Builder keepAliveMillis(long millis) {
            this.keepAliveMillis = millis;
            return this;
        }

        /** How long the server waits for a ping reply before closing the connection. */
        public Builder keepAliveTimeoutMillis(long millis) {
            this.keepAliveTimeoutMillis = millis;
            return this;
        }

        /** Largest request accepted. */
        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /** Threads that run stream work (serialized per stream). */
        public Builder executorThreads(int threads) {
            this.executorThreads = threads;
            return this;
        }

        /** PEM certificate chain and private key: when set the server speaks TLS. */
        public Builder tls(String certChainFile, String privateKeyFile) {
            this.certChainFile = certChainFile;
            this.privateKeyFile = privateKeyFile;
            return this;
        }

        /** Client networks allowed to connect; others are closed on accept. Default: {@link ClientNetworks#PRIVATE_NETWORKS}. */
        public Builder allowedClients(ClientNetworks allowedClients) {
            this.allowedClients = allowedClients;
            return this;
        }

        /** PEM CA certificates that client certificates must chain to; with TLS only. */
        public Builder clientCertificates(String clientCaFile, ClientCertificates mode) {
            this.clientCaFile = clientCaFile;
            this.clientCertificates = mode;
            return this;
        }

        /** How often the certificate and key files are checked for a rotation; 0 never. */
        public Builder tlsReloadMillis(long millis) {
            this.tlsReloadMillis = millis;
            return this;
        }

        /** Sent as {@code control_plane.identifier} in every response. */
        public Builder controlPlaneId(String id) {
            this.controlPlaneId = id;
            return this;
        }

        public McpServerOptions build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if ((certChainFile == null) != (privateKeyFile == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate chain file and a private key file");
            }
            if (clientCaFile != null && certChainFile == null) {
                throw new IllegalArgumentException("client certificate verification needs TLS (a certificate chain "
                        + "and private key)");
            }
            return new McpServerOptions(this);
        }
    }
}
