package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.source.ServiceKey;

import java.util.Locale;

/**
 * Derives the MCP resource name {@code <istio-namespace>/<name>} of a Nacos service. The name is a
 * lowercase DNS-1123 subdomain made from service and group; whenever that conversion loses
 * information (case, characters replaced, truncation), a hash of the raw group and service is appended,
 * so two distinct Nacos services never share a name and every Nacos node derives the same one.
 */
public final class ResourceNamer {

    private static final String DEFAULT_GROUP = "DEFAULT_GROUP";
    private static final int HASH_CHARS = 8;

    private final MappingOptions options;

    public ResourceNamer(MappingOptions options) {
        this.options = options;
    }

    /** The Istio namespace of a Nacos namespace: the mapped one, else its id as a lowercase DNS-1123 label. */
    public String istioNamespaceOf(String nacosNamespaceId) {
        String mapped = options.namespaceMapping().get(nacosNamespaceId);
        if (mapped != null) {
            return mapped;
        }
        String label = DnsNames.sanitize(nacosNamespaceId, true).replace('.', '-');
        if (label.isEmpty()) {
            return "ns-" + DnsNames.hash(nacosNamespaceId, HASH_CHARS);
        }
        if (label.length() > DnsNames.MAX_LABEL) {
            label = DnsNames.shortenLabel(label);
        }
        return label;
    }

    public String resourceNameOf(ServiceKey key) {
        return istioNamespaceOf(key.namespaceId()) + "/" + nameOf(key);
    }

    String nameOf(ServiceKey key) {
        String service = DnsNames.sanitize(key.serviceName(), true);
        String group = DEFAULT_GROUP.equals(key.group()) ? "default-group" : DnsNames.sanitize(key.group(), true);
        boolean lossless = service.equals(key.serviceName())
                && (DEFAULT_GROUP.equals(key.group()) || group.equals(key.group()));
        String name = service.isEmpty() ? group : group.isEmpty() ? service : service + "." + group;
        String suffix = lossless ? "" : "-" + DnsNames.hash(key.group() + "/" + key.serviceName(), HASH_CHARS);
        int room = DnsNames.MAX_NAME - suffix.length();
        if (name.length() > room) {
            if (suffix.isEmpty()) {
                suffix = "-" + DnsNames.hash(key.group() + "/" + key.serviceName(), HASH_CHARS);
                room = DnsNames.MAX_NAME - suffix.length();
            }
            name = name.substring(0, room);
        }
        name = trimToLabelEnd(name);
        // The suffix joins the last label, which must stay within 63 characters.
        int lastDot = name.lastIndexOf('.');
        String last = name.substring(lastDot + 1);
        if (last.length() + suffix.length() > DnsNames.MAX_LABEL) {
            if (suffix.isEmpty()) {
                suffix = "-" + DnsNames.hash(key.group() + "/" + key.serviceName(), HASH_CHARS);
            }
            last = DnsNames.trimDashes(last.substring(0, DnsNames.MAX_LABEL - suffix.length()));
            name = (lastDot < 0 ? "" : name.substring(0, lastDot + 1)) + last;
        }
        String result = name.isEmpty() ? "s" + suffix : name + suffix;
        return result.toLowerCase(Locale.ROOT);
    }

    private static String trimToLabelEnd(String name) {
        String s = name;
        while (s.endsWith(".") || s.endsWith("-")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
