package io.nacosistio.plugin.convert;

import java.util.Map;

/** The endpoint locality from instance metadata, in the order of docs/mapping.md. */
final class Localities {

    private Localities() {
    }

    /** {@code region/zone/subzone} with trailing empty parts dropped, or "" when none is known. */
    static String localityOf(Map<String, String> metadata) {
        String explicit = metadata.get("istio-locality");
        if (explicit != null && !explicit.trim().isEmpty()) {
            return trimTrailingSlashes(explicit.trim());
        }
        String k8s = join(metadata.get("topology.kubernetes.io/region"), metadata.get("topology.kubernetes.io/zone"),
                metadata.get("topology.istio.io/subzone"));
        if (!k8s.isEmpty()) {
            return k8s;
        }
        return join(metadata.get("region"), metadata.get("zone"), metadata.get("subzone"));
    }

    private static String join(String region, String zone, String subzone) {
        if (isBlank(region)) {
            return "";
        }
        StringBuilder sb = new StringBuilder(region.trim());
        if (!isBlank(zone)) {
            sb.append('/').append(zone.trim());
            if (!isBlank(subzone)) {
                sb.append('/').append(subzone.trim());
            }
        }
        return sb.toString();
    }

    private static String trimTrailingSlashes(String s) {
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }
}
