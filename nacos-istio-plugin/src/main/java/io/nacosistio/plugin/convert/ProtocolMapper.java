package io.nacosistio.plugin.convert;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Nacos instance {@code protocol} metadata → Istio port protocol (docs/mapping.md). */
final class ProtocolMapper {

    private static final Map<String, String> BY_METADATA = new HashMap<>();

    static {
        BY_METADATA.put("http", "HTTP");
        BY_METADATA.put("https", "HTTPS");
        BY_METADATA.put("http2", "HTTP2");
        BY_METADATA.put("h2c", "HTTP2");
        BY_METADATA.put("grpc", "GRPC");
        BY_METADATA.put("triple", "GRPC");
        BY_METADATA.put("tri", "GRPC");
        BY_METADATA.put("tcp", "TCP");
        BY_METADATA.put("tls", "TLS");
        BY_METADATA.put("mongo", "MONGO");
        BY_METADATA.put("redis", "REDIS");
        BY_METADATA.put("mysql", "MYSQL");
        // Dubbo's binary protocol is not HTTP: declared HTTP, Envoy's HTTP codec breaks every call.
        BY_METADATA.put("dubbo", "TCP");
    }

    private ProtocolMapper() {
    }

    /** The Istio protocol for a metadata value; unknown values get the default. */
    static String protocolOf(String metadataValue, String defaultProtocol) {
        if (metadataValue == null) {
            return defaultProtocol;
        }
        String mapped = BY_METADATA.get(metadataValue.trim().toLowerCase(Locale.ROOT));
        return mapped == null ? defaultProtocol : mapped;
    }
}
