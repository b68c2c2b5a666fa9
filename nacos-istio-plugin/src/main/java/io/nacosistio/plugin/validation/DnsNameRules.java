package io.nacosistio.plugin.validation;

import java.util.regex.Pattern;

/** DNS-1123 label and subdomain checks as Istio and Kubernetes apply them. Pure functions. */
public final class DnsNameRules {

    public static final int MAX_LABEL = 63;
    public static final int MAX_NAME = 253;
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?");
    private static final Pattern LOWER_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private DnsNameRules() {
    }

    /** A DNS label of any case, 1–63 characters. */
    public static boolean isLabel(String s) {
        return s != null && s.length() <= MAX_LABEL && LABEL.matcher(s).matches();
    }

    /** A lowercase DNS-1123 label (Kubernetes namespace names). */
    public static boolean isLowerLabel(String s) {
        return s != null && s.length() <= MAX_LABEL && LOWER_LABEL.matcher(s).matches();
    }

    /** A lowercase DNS-1123 subdomain (Kubernetes object names). */
    public static boolean isLowerSubdomain(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_NAME) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (!isLowerLabel(label)) {
                return false;
            }
        }
        return true;
    }
}
