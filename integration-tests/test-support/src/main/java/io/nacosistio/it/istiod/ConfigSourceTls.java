package io.nacosistio.it.istiod;

import java.util.List;

/**
 * A config source's {@code tlsSettings} in istiod's mesh config (istiod 1.26+): mode {@code SIMPLE}, the CA
 * as inline PEM text, the DNS names of which the server certificate must hold one. gRPC checks the host of
 * the {@code xds://} address against the certificate too (no {@code sni} is set).
 */
public record ConfigSourceTls(String caCertificatesPem, List<String> subjectAltNames) {

    /** The YAML lines under {@code - address: ...}. */
    String yaml() {
        StringBuilder yaml = new StringBuilder("  tlsSettings:\n    mode: SIMPLE\n    caCertificates: |\n");
        caCertificatesPem.lines().forEach(line -> yaml.append("      ").append(line).append('\n'));
        if (!subjectAltNames.isEmpty()) {
            yaml.append("    subjectAltNames:\n");
            subjectAltNames.forEach(name -> yaml.append("    - ").append(name).append('\n'));
        }
        return yaml.toString();
    }
}
