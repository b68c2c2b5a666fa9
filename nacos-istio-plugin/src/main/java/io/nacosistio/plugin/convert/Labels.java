package io.nacosistio.plugin.convert;

import java.util.regex.Pattern;

/** Istio's label validity (pkg/config/labels): what endpoint and resource labels may contain. */
final class Labels {

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final int MAX_NAME = 63;
    private static final int MAX_K8S_VALUE = 63;

    private Labels() {
    }

    /** A key {@code [dns-subdomain/]name} as Istio checks it. */
    static boolean isValidKey(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (!DnsNames.isLowerSubdomain(prefix)) {
                return false;
            }
        }
        return name.length() <= MAX_NAME && NAME.matcher(name).matches();
    }

    /** A value as Istio checks it (same characters as names, may be empty; Istio sets no length limit). */
    static boolean isValidValue(String value) {
        return value != null && VALUE.matcher(value).matches();
    }

    /** A label Kubernetes itself would also accept (values at most 63 characters), for resource metadata. */
    static boolean isValidKubernetesLabel(String key, String value) {
        return isValidKey(key) && isValidValue(value) && value.length() <= MAX_K8S_VALUE;
    }
}
