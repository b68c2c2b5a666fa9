package io.nacosistio.plugin.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.testing.TlsTesting;
import io.nacosistio.plugin.cache.ResourceCache;
import io.nacosistio.plugin.cache.ResourceSet;
import io.nacosistio.plugin.metrics.ServerMetrics;
import io.nacosistio.plugin.resource.IstioKind;
import io.nacosistio.plugin.resource.McpResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may connect to the MCP port, and its TLS: allow-list, handshake failures, rotation, client certificates. */
class McpServerAccessTest {

    private static final String SE_V1 = "networking.istio.io/v1/ServiceEntry";
    private static final String AUTHORITY = "foo.test.google.fr";

    private final ResourceCache cache = new ResourceCache();
    private final ServerMetrics metrics = new ServerMetrics();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private McpServer server;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        if (server != null) {
            server.close();
        }
    }

    private void start(McpServerOptions.Builder options) throws Exception {
        server = new McpServer(options.port(0).bindAddress("127.0.0.1").tlsReloadMillis(0).build(), cache, metrics);
        server.start();
        publish("v1");
    }

    private void publish(String version) {
        cache.publish(new ResourceSet(IstioKind.SERVICE_ENTRY, version, List.of(McpResource.of(
                IstioKind.SERVICE_ENTRY, "public/svc", version, Timestamp.newBuilder().setSeconds(1).build(), Map.of(),
                Map.of(), ByteString.copyFromUtf8(version)))));
    }

    @Test
    void aPeerOutsideTheAllowedNetworksIsClosedBeforeAnyByteAndCounted() throws Exception {
        start(McpServerOptions.builder().allowedClients(ClientNetworks.parse(List.of("10.0.0.0/8", "fd00::/8"))));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes());
            int first;
            try {
                first = socket.getInputStream().read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertThat(first).as("the server sent nothing before closing").isEqualTo(-1);
        }
        AckingClient stream = stream(plaintext());
        assertThat(stream.awaitEnd()).isNotNull();
        assertThat(stream.received).isEmpty();
        Await.until(() -> metrics.connectionsRefused.get() >= 2, "two refused connections counted");
    }

    @Test
    void aPeerInsideTheAllowedNetworksIsServed() throws Exception {
        start(McpServerOptions.builder().allowedClients(ClientNetworks.parse(List.of("127.0.0.0/8"))));
        assertThat(stream(plaintext()).next(SE_V1).getVersionInfo()).isEqualTo("v1");
        assertThat(metrics.connectionsRefused.get()).isZero();
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaFailsTheHandshakeAndItIsCounted() throws Exception {
        Path cert = copy("server1.pem");
        Path key = copy("server1.key");
        start(McpServerOptions.builder().tls(cert.toString(), key.toString()));
        AckingClient stream = stream(tls(GrpcSslContexts.forClient().trustManager(TlsTesting.loadCert("badserver.pem"))));
        assertThat(stream.awaitEnd()).isNotNull();
        Await.until(() -> metrics.tlsHandshakeFailures.get() >= 1, "the failed handshake counted");
    }

    @Test
    void aRotatedCertificateIsServedToNewConnectionsWhileTheLiveStreamGoesOn() throws Exception {
        Path cert = copy("server1.pem");
        Path key = copy("server1.key");
        start(McpServerOptions.builder().tls(cert.toString(), key.toString()));
        AckingClient live = stream(tls(GrpcSslContexts.forClient().trustManager(TlsTesting.loadCert("ca.pem"))));
        assertThat(live.next(SE_V1).getVersionInfo()).isEqualTo("v1");
        BigInteger first = servedSerial();
        assertThat(first).isEqualTo(serialOf("server1.pem"));

        // Half a rotation: the new certificate with the old key is refused, the old pair stays.
        replace("server0.pem", cert);
        server.checkTlsFilesNow();
        assertThat(metrics.tlsReloadFailures.get()).isEqualTo(1);
        assertThat(servedSerial()).isEqualTo(first);

        replace("server0.key", key);
        server.checkTlsFilesNow();
        assertThat(metrics.tlsReloads.get()).isEqualTo(1);
        assertThat(servedSerial()).isEqualTo(serialOf("server0.pem"));

        publish("v2");
        assertThat(live.next(SE_V1).getVersionInfo()).isEqualTo("v2");
        assertThat(live.error).isNull();
        AckingClient fresh = stream(tls(GrpcSslContexts.forClient().trustManager(TlsTesting.loadCert("ca.pem")),
                "foo.test.google.com.au"));
        assertThat(fresh.next(SE_V1).getVersionInfo()).isEqualTo("v2");
    }

    @Test
    void optionalClientCertificatesAreVerifiedWhenSentAndClientsWithoutOneAreServed() throws Exception {
        Path cert = copy("server1.pem");
        Path key = copy("server1.key");
        Path clientCa = copy("ca.pem");
        start(McpServerOptions.builder().tls(cert.toString(), key.toString())
                .clientCertificates(clientCa.toString(), McpServerOptions.ClientCertificates.OPTIONAL));
        assertThat(stream(tls(trustingCa())).next(SE_V1).getVersionInfo()).isEqualTo("v1");
        assertThat(stream(tls(trustingCa().keyManager(TlsTesting.loadCert("client.pem"),
                TlsTesting.loadCert("client.key")))).next(SE_V1).getVersionInfo()).isEqualTo("v1");
        // A client that sends a certificate of another CA (a JDK client offers one only when the server's CA
        // list matches, so this one always sends it) is refused.
        PemCredentials bad = PemCredentials.read(copy("badclient.pem"), copy("badclient.key"));
        try (SSLSocket socket = clientSocket(new ClientKey(bad))) {
            socket.setSoTimeout(5_000);
            assertThatThrownBy(() -> {
                socket.startHandshake();
                socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes());
                socket.getOutputStream().flush();
                if (socket.getInputStream().read() < 0) {
                    throw new java.io.EOFException("closed");
                }
            }).isInstanceOf(java.io.IOException.class);
        }
        Await.until(() -> metrics.tlsHandshakeFailures.get() >= 1, "the refused client certificate counted");
    }

    @Test
    void requiredClientCertificatesRefuseClientsWithoutOne() throws Exception {
        Path cert = copy("server1.pem");
        Path key = copy("server1.key");
        Path clientCa = copy("ca.pem");
        start(McpServerOptions.builder().tls(cert.toString(), key.toString())
                .clientCertificates(clientCa.toString(), McpServerOptions.ClientCertificates.REQUIRE));
        AckingClient anonymous = stream(tls(trustingCa()));
        assertThat(anonymous.awaitEnd()).isNotNull();
        assertThat(anonymous.received).isEmpty();
        assertThat(stream(tls(trustingCa().keyManager(TlsTesting.loadCert("client.pem"),
                TlsTesting.loadCert("client.key")))).next(SE_V1).getVersionInfo()).isEqualTo("v1");
    }

    @Test
    void aKeyThatIsNotPkcs8FailsTheStartWithHowToConvertIt() throws Exception {
        Path cert = copy("server1.pem");
        Path key = dir.resolve("rsa.key");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        McpServer bad = new McpServer(McpServerOptions.builder().port(0).bindAddress("127.0.0.1")
                .tls(cert.toString(), key.toString()).build(), cache, metrics);
        assertThatThrownBy(bad::start).hasMessageContaining("PKCS#1").hasMessageContaining("openssl pkcs8");
    }

    private static SslContextBuilder trustingCa() throws Exception {
        return GrpcSslContexts.forClient().trustManager(TlsTesting.loadCert("ca.pem"));
    }

    private ManagedChannel plaintext() {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    private ManagedChannel tls(SslContextBuilder ssl) throws Exception {
        return tls(ssl, AUTHORITY);
    }

    private ManagedChannel tls(SslContextBuilder ssl, String authority) throws Exception {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).overrideAuthority(authority)
                .sslContext(ssl.build()).build();
        channels.add(c);
        return c;
    }

    /** The serial number of the certificate a new TLS connection is given. */
    private BigInteger servedSerial() throws Exception {
        try (SSLSocket socket = clientSocket(null)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** A JDK TLS socket to the server trusting the test CA, with a client key or none. */
    private SSLSocket clientSocket(javax.net.ssl.KeyManager clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = TlsTesting.loadCert("ca.pem")) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(clientKey == null ? null : new javax.net.ssl.KeyManager[] {clientKey}, tmf.getTrustManagers(),
                null);
        return (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
    }

    /** Always offers its one certificate, whatever CAs the server names. */
    private static final class ClientKey extends javax.net.ssl.X509ExtendedKeyManager {
        private final PemCredentials credentials;

        ClientKey(PemCredentials credentials) {
            this.credentials = credentials;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return credentials.chain;
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return credentials.key;
        }
    }

    private static BigInteger serialOf(String resource) throws Exception {
        try (InputStream in = TlsTesting.loadCert(resource)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    private Path copy(String resource) throws Exception {
        Path file = dir.resolve(resource);
        replace(resource, file);
        return file;
    }

    /** Writes beside the target and moves it in, as rotation tools do. */
    private void replace(String resource, Path target) throws Exception {
        Path tmp = Files.createTempFile(dir, "rotate", ".tmp");
        try (InputStream in = TlsTesting.loadCert(resource)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One ADS stream subscribed to ServiceEntries, acking what it gets. */
    private static AckingClient stream(ManagedChannel channel) {
        return new AckingClient(channel).subscribe(List.of(SE_V1));
    }
}
