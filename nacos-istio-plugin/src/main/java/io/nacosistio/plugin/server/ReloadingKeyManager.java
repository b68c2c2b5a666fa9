package io.nacosistio.plugin.server;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The server's one key and certificate chain, swappable while serving: every TLS handshake reads the
 * credentials current at that moment, so new connections get a rotated certificate and established ones
 * keep theirs. Written by {@link TlsCredentialsReloader}, read by the TLS engines on the event loops.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "mcp";

    private volatile PemCredentials current;

    ReloadingKeyManager(PemCredentials initial) {
        this.current = initial;
    }

    void update(PemCredentials credentials) {
        this.current = credentials;
    }

    X509Certificate certificate() {
        return current.chain[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
