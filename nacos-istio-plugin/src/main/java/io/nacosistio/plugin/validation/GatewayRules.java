package io.nacosistio.plugin.validation;

import io.nacosistio.proto.istio.networking.v1alpha3.Gateway;
import io.nacosistio.proto.istio.networking.v1alpha3.Port;
import io.nacosistio.proto.istio.networking.v1alpha3.Server;
import io.nacosistio.proto.istio.networking.v1alpha3.ServerTLSSettings;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** istiod's Gateway validation (pilot's validateGateway), ported. */
final class GatewayRules {

    private GatewayRules() {
    }

    static void check(Gateway gateway, Violations v) {
        if (gateway.getServersCount() == 0) {
            v.add("spec.servers", "at least one server is required");
        }
        v.labels("spec.selector", gateway.getSelectorMap());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < gateway.getServersCount(); i++) {
            Server server = gateway.getServers(i);
            String path = Violations.at("spec.servers", i);
            if (!server.getName().isEmpty() && !names.add(server.getName())) {
                v.add(path + ".name", "duplicate server name '" + server.getName() + "'");
            }
            if (server.getHostsCount() == 0) {
                v.add(path + ".hosts", "at least one host is required");
            }
            for (int h = 0; h < server.getHostsCount(); h++) {
                v.namespacedHost(Violations.at(path + ".hosts", h), server.getHosts(h), false);
            }
            String protocol = "";
            if (!server.hasPort()) {
                v.add(path + ".port", "required");
            } else {
                protocol = port(path + ".port", server.getPort(), v);
            }
            if (!server.getBind().isEmpty() && !IpLiterals.isIp(server.getBind())
                    && !server.getBind().startsWith("unix://")) {
                v.add(path + ".bind", "'" + server.getBind() + "' is not an IP address or unix:// path");
            }
            boolean tlsProtocol = protocol.equals("HTTPS") || protocol.equals("TLS");
            if (tlsProtocol && !server.hasTls()) {
                v.add(path + ".tls", "required for protocol " + protocol);
            }
            if (server.hasTls()) {
                tls(path + ".tls", server.getTls(), tlsProtocol, v);
            }
        }
    }

    private static String port(String path, Port port, Violations v) {
        v.port(path + ".number", port.getNumber(), true);
        String protocol = port.getProtocol().toUpperCase(Locale.ROOT);
        if (port.getProtocol().isEmpty()) {
            v.add(path + ".protocol", "required");
        } else if (!IstioProtocols.isIstioProtocol(port.getProtocol())) {
            v.add(path + ".protocol", "'" + port.getProtocol() + "' is not a protocol Istio supports");
        }
        if (port.getName().isEmpty()) {
            v.add(path + ".name", "required");
        }
        return protocol;
    }

    private static void tls(String path, ServerTLSSettings tls, boolean tlsProtocol, Violations v) {
        if (tls.getHttpsRedirect() && !tlsProtocol) {
            return; // an HTTP server that only redirects to HTTPS
        }
        boolean hasFiles = !tls.getServerCertificate().isEmpty() || !tls.getPrivateKey().isEmpty();
        boolean hasCredential = !tls.getCredentialName().isEmpty() || tls.getCredentialNamesCount() > 0
                || tls.getTlsCertificatesCount() > 0;
        switch (tls.getMode()) {
            case SIMPLE:
            case MUTUAL:
            case OPTIONAL_MUTUAL:
                if (!hasCredential) {
                    if (tls.getServerCertificate().isEmpty()) {
                        v.add(path + ".serverCertificate", "required for mode " + tls.getMode()
                                + " (or set credentialName)");
                    }
                    if (tls.getPrivateKey().isEmpty()) {
                        v.add(path + ".privateKey", "required for mode " + tls.getMode() + " (or set credentialName)");
                    }
                    if (tls.getMode() != ServerTLSSettings.TLSmode.SIMPLE && tls.getCaCertificates().isEmpty()) {
                        v.add(path + ".caCertificates", "required for mode " + tls.getMode()
                                + " (or set credentialName)");
                    }
                } else if (hasFiles) {
                    v.add(path + ".credentialName", "cannot be combined with serverCertificate and privateKey");
                }
                break;
            case ISTIO_MUTUAL:
                if (hasFiles || hasCredential || !tls.getCaCertificates().isEmpty()) {
                    v.add(path, "mode ISTIO_MUTUAL takes no certificates, keys or credentialName");
                }
                break;
            default:
                break;
        }
        if (tls.getMinProtocolVersion() != ServerTLSSettings.TLSProtocol.TLS_AUTO
                && tls.getMaxProtocolVersion() != ServerTLSSettings.TLSProtocol.TLS_AUTO
                && tls.getMinProtocolVersionValue() > tls.getMaxProtocolVersionValue()) {
            v.add(path + ".minProtocolVersion", "is above maxProtocolVersion");
        }
    }
}
