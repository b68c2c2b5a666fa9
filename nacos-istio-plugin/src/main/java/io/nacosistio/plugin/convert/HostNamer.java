package io.nacosistio.plugin.convert;

import io.nacosistio.plugin.source.ServiceKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Derives the ServiceEntry host of a Nacos service from the host template (docs/mapping.md): each part
 * is sanitized into DNS labels, the whole host is lowercase unless the keep-case knob is set, and a host
 * over 253 characters loses leading service labels in favour of a hash of the original host.
 */
public final class HostNamer {

    private final MappingOptions options;

    public HostNamer(MappingOptions options) {
        this.options = options;
    }

    public String hostOf(ServiceKey key) {
        boolean lower = !options.keepCase();
        String service = DnsNames.sanitize(key.serviceName(), lower);
        String group = DnsNames.sanitize(key.group(), lower);
        String namespace = DnsNames.sanitize(key.namespaceId(), lower);
        String domain = DnsNames.sanitize(options.domainSuffix(), lower);
        String host = options.hostTemplate()
                .replace("{service}", service)
                .replace("{group}", group)
                .replace("{namespace}", namespace)
                .replace("{domain}", domain);
        // Parts may be empty after sanitizing (a service named "___"): re-sanitize to drop empty labels.
        host = DnsNames.sanitize(host, false);
        if (host.length() <= DnsNames.MAX_NAME) {
            return host;
        }
        return shorten(host);
    }

    /** Drops labels from the front until the host fits with a leading hash label; deterministic. */
    private static String shorten(String host) {
        String hashLabel = "h" + DnsNames.hash(host, 12);
        List<String> labels = new ArrayList<>(Arrays.asList(host.split("\\.")));
        while (!labels.isEmpty() && hashLabel.length() + 1 + String.join(".", labels).length() > DnsNames.MAX_NAME) {
            labels.remove(0);
        }
        labels.add(0, hashLabel);
        return String.join(".", labels);
    }
}
