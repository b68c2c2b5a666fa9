package io.nacosistio.plugin.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key read from PEM files: the chain as X.509 certificates, the key as
 * unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC). Checks that the key belongs to the first
 * certificate, so a half-written rotation is refused rather than served. Immutable.
 */
final class PemCredentials {

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    final X509Certificate[] chain;
    final PrivateKey key;

    private PemCredentials(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    static PemCredentials read(Path certChainFile, Path privateKeyFile) throws IOException {
        X509Certificate[] chain = certificates(certChainFile);
        PrivateKey key = privateKey(privateKeyFile);
        if (!matches(key, chain[0].getPublicKey())) {
            throw new IOException("the private key in " + privateKeyFile + " does not belong to the first certificate "
                    + "in " + certChainFile + " (" + chain[0].getSubjectX500Principal() + ")");
        }
        return new PemCredentials(chain, key);
    }

    static X509Certificate[] certificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            Collection<? extends java.security.cert.Certificate> read = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> chain = new ArrayList<>();
            for (java.security.cert.Certificate c : read) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IOException(file + " holds no PEM certificate");
            }
            return chain.toArray(new X509Certificate[0]);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String found = text.contains("BEGIN RSA PRIVATE KEY") ? " (it holds a PKCS#1 RSA key)"
                    : text.contains("BEGIN EC PRIVATE KEY") ? " (it holds a SEC1 EC key)"
                    : text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? " (it holds an encrypted key)" : "";
            throw new IOException(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----)" + found
                    + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pkcs8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + " holds a PKCS#8 key that is neither RSA nor EC");
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
        try {
            byte[] probe = "nacos-istio-plugin key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(publicKey);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
