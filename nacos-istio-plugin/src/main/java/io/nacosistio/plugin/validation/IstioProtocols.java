package io.nacosistio.plugin.validation;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The port protocols Istio's validation accepts. */
public final class IstioProtocols {

    private static final Set<String> NAMES = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "TCP", "TLS", "UDP", "MONGO", "REDIS", "MYSQL")));

    private IstioProtocols() {
    }

    /** Whether Istio's validation accepts the value as a port protocol (case-insensitive). */
    public static boolean isIstioProtocol(String value) {
        return value != null && NAMES.contains(value.toUpperCase(Locale.ROOT));
    }
}
