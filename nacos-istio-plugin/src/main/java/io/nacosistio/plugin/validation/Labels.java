package io.nacosistio.plugin.validation;

/**
 * Istio's label validity (pkg/config/labels): what endpoint and resource labels may contain. A name is
 * {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}; checked character by character rather than with a regular
 * expression because every endpoint label of every converted service passes through here.
 */
public final class Labels {
    private static final int MAX_NAME = 63;
    private static final int MAX_K8S_VALUE = 63;

    private Labels() {
    }

    /** A key {@code [dns-subdomain/]name} as Istio checks it. */
    public static boolean isValidKey(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (!DnsNameRules.isLowerSubdomain(prefix)) {
                return false;
            }
        }
        return name.length() <= MAX_NAME && isName(name);
    }

    /** A value as Istio checks it (same characters as names, may be empty; Istio sets no length limit). */
    public static boolean isValidValue(String value) {
        return value != null && (value.isEmpty() || isName(value));
    }

    /** Alphanumerics, with {@code - _ .} allowed between the first and the last character. */
    private static boolean isName(String s) {
        int last = s.length() - 1;
        if (last < 0 || !isAlphanumeric(s.charAt(0)) || !isAlphanumeric(s.charAt(last))) {
            return false;
        }
        for (int i = 1; i < last; i++) {
            char c = s.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** A label Kubernetes itself would also accept (values at most 63 characters), for resource metadata. */
    public static boolean isValidKubernetesLabel(String key, String value) {
        return isValidKey(key) && isValidValue(value) && value.length() <= MAX_K8S_VALUE;
    }
}
