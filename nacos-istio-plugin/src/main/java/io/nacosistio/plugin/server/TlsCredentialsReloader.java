package io.nacosistio.plugin.server;

import io.nacosistio.plugin.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rotation without restarting Nacos: checks the certificate chain and key files every interval and, once
 * either changed (modification time or size), reads both and hands them to the {@link ReloadingKeyManager}.
 * Files that cannot be read, or a key that does not belong to the certificate (a rotation half written), are
 * logged and the previous credentials stay in use; the check repeats until the pair is consistent. State is
 * owned by its one daemon thread {@code nacos-mesh-tls-reload}; {@link #checkNow()} is for tests.
 */
final class TlsCredentialsReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsCredentialsReloader.class);

    private final Path certChainFile;
    private final Path privateKeyFile;
    private final ReloadingKeyManager keyManager;
    private final ServerMetrics metrics;
    private ScheduledExecutorService timer;
    private long[] loadedStamp;
    private long[] failedStamp;

    private TlsCredentialsReloader(Path certChainFile, Path privateKeyFile, ReloadingKeyManager keyManager,
            ServerMetrics metrics, long[] loadedStamp) {
        this.certChainFile = certChainFile;
        this.privateKeyFile = privateKeyFile;
        this.keyManager = keyManager;
        this.metrics = metrics;
        this.loadedStamp = loadedStamp;
    }

    /** Reads the files once; a problem at start fails the start with the reason. */
    static TlsCredentialsReloader load(Path certChainFile, Path privateKeyFile, ServerMetrics metrics)
            throws IOException {
        long[] stamp = stamp(certChainFile, privateKeyFile);
        PemCredentials credentials = PemCredentials.read(certChainFile, privateKeyFile);
        return new TlsCredentialsReloader(certChainFile, privateKeyFile, new ReloadingKeyManager(credentials),
                metrics, stamp);
    }

    ReloadingKeyManager keyManager() {
        return keyManager;
    }

    /** Starts checking every {@code intervalMillis}; 0 never checks. */
    void start(long intervalMillis) {
        if (intervalMillis <= 0) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nacos-mesh-tls-reload");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::checkNow, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** One check: reloads when the files changed since the last load. Never throws. */
    synchronized void checkNow() {
        long[] now;
        try {
            now = stamp(certChainFile, privateKeyFile);
        } catch (IOException e) {
            failed(null, "cannot read the files: " + e.getMessage());
            return;
        }
        if (Arrays.equals(now, loadedStamp)) {
            return;
        }
        try {
            PemCredentials credentials = PemCredentials.read(certChainFile, privateKeyFile);
            X509Certificate before = keyManager.certificate();
            keyManager.update(credentials);
            loadedStamp = now;
            failedStamp = null;
            metrics.tlsReloads.incrementAndGet();
            X509Certificate after = credentials.chain[0];
            LOG.info("nacos-istio-plugin: MCP TLS certificate reloaded from {}: serial {} ({}, valid until {}), "
                    + "was serial {}; new connections use it", certChainFile, after.getSerialNumber().toString(16),
                    after.getSubjectX500Principal(), after.getNotAfter().toInstant(),
                    before.getSerialNumber().toString(16));
        } catch (IOException | RuntimeException e) {
            failed(now, e.getMessage());
        }
    }

    private void failed(long[] stamp, String why) {
        metrics.tlsReloadFailures.incrementAndGet();
        if (stamp == null || !Arrays.equals(stamp, failedStamp)) {
            LOG.warn("nacos-istio-plugin: MCP TLS certificate not reloaded, the previous one stays in use: {}", why);
        }
        failedStamp = stamp;
    }

    private static long[] stamp(Path cert, Path key) throws IOException {
        return new long[] {Files.getLastModifiedTime(cert).toMillis(), Files.size(cert),
                Files.getLastModifiedTime(key).toMillis(), Files.size(key)};
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
