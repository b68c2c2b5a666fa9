package io.nacosistio.plugin.validation;

import com.google.protobuf.Duration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects violations, with the small checks every kind's rules share. Not thread-safe; one per document. */
final class Violations {

    private final List<Violation> list = new ArrayList<>();

    void add(String path, String reason) {
        list.add(new Violation(path, reason));
    }

    void addAll(List<Violation> violations) {
        list.addAll(violations);
    }

    List<Violation> list() {
        return list;
    }

    static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    void port(String path, long number, boolean required) {
        if (number == 0 && !required) {
            return;
        }
        if (number < 1 || number > 65535) {
            add(path, (number == 0 ? "required" : number + " is not a port number") + " (1-65535)");
        }
    }

    /** A host as istiod takes it in routes and rules: a (wildcard) FQDN or short name, not an IP. */
    void host(String path, String host, boolean allowStar) {
        if ("*".equals(host)) {
            if (!allowStar) {
                add(path, "'*' is not allowed here");
            }
            return;
        }
        if (host.isEmpty()) {
            add(path, "required");
            return;
        }
        if (IpLiterals.isIp(host)) {
            add(path, "'" + host + "' is an IP address; a host name is required");
            return;
        }
        String error = ServiceEntryValidator.hostError(host);
        if (error != null) {
            add(path, "'" + host + "' " + error);
        }
    }

    void labels(String path, Map<String, String> labels) {
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            if (key.contains("*") || !Labels.isValidKey(key) || !Labels.isValidValue(label.getValue())) {
                add(path + "['" + key + "']", "'" + key + ": " + label.getValue() + "' is not a valid label");
            }
        }
    }

    /** A duration istiod requires to be at least 1 ms and in whole milliseconds. */
    void positiveMillis(String path, Duration d) {
        if (d == null || d.equals(Duration.getDefaultInstance())) {
            return;
        }
        long nanos = d.getSeconds() * 1_000_000_000L + d.getNanos();
        if (nanos < 1_000_000L) {
            add(path, "must be at least 1ms");
        } else if (d.getNanos() % 1_000_000 != 0) {
            add(path, "only millisecond precision is supported");
        }
    }

    void notNegative(String path, Duration d) {
        if (d != null && (d.getSeconds() < 0 || d.getNanos() < 0)) {
            add(path, "must not be negative");
        }
    }

    void percent(String path, double value) {
        if (value < 0 || value > 100 || Double.isNaN(value)) {
            add(path, value + " is not a percentage (0-100)");
        }
    }

    void exportTo(String path, List<String> exportTo) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < exportTo.size(); i++) {
            String ns = exportTo.get(i);
            if (!seen.add(ns)) {
                add(at(path, i), "duplicate entry '" + ns + "'");
            }
            boolean special = ns.equals("*") || ns.equals("~") || ns.equals(".");
            if (!special && !DnsNameRules.isLowerLabel(ns)) {
                add(at(path, i), "'" + ns + "' is not '.', '*', '~' or a namespace name");
            }
        }
        if ((seen.contains("*") || seen.contains("~")) && seen.size() > 1) {
            add(path, "'*' and '~' cannot be combined with other entries");
        }
    }

    /** {@code namespace/host} as Sidecar egress and Gateway servers take it. */
    void namespacedHost(String path, String value, boolean namespaceRequired) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            if (namespaceRequired) {
                add(path, "'" + value + "' must have the form namespace/host (e.g. ./*, istio-system/*)");
                return;
            }
            host(path, value, true);
            return;
        }
        String ns = value.substring(0, slash);
        String host = value.substring(slash + 1);
        if (!ns.equals("*") && !ns.equals(".") && !ns.equals("~") && !DnsNameRules.isLowerLabel(ns)) {
            add(path, "'" + ns + "' is not '*', '.', '~' or a namespace name");
        }
        host(path, host, true);
    }
}
