package io.nacosistio.plugin.convert;

/**
 * The name and address rules istiod applies, for validators outside this package (config-center
 * documents): one definition of each rule for generated and hand-written resources alike.
 */
public final class IstioSyntax {

    private IstioSyntax() {
    }

    /** Why a host is not a valid (possibly wildcarded) FQDN or short name, or null when it is. */
    public static String hostError(String host) {
        return ServiceEntryValidator.hostError(host);
    }

    /** A DNS-1123 label of any case (1-63 letters, digits or '-'). */
    public static boolean isDnsLabel(String s) {
        return DnsNames.isLabel(s);
    }

    /** A lowercase DNS-1123 label, as Kubernetes namespace names are. */
    public static boolean isLowerDnsLabel(String s) {
        return DnsNames.isLowerLabel(s);
    }

    /** A lowercase DNS-1123 subdomain, as Kubernetes object names are. */
    public static boolean isLowerDnsSubdomain(String s) {
        return DnsNames.isLowerSubdomain(s);
    }

    public static boolean isLabelKey(String key) {
        return Labels.isValidKey(key);
    }

    public static boolean isLabelValue(String value) {
        return Labels.isValidValue(value);
    }

    /** A label Kubernetes itself would also accept (values at most 63 characters), for resource metadata. */
    public static boolean isKubernetesLabel(String key, String value) {
        return Labels.isValidKubernetesLabel(key, value);
    }

    public static boolean isIp(String s) {
        return IpLiterals.isIp(s);
    }

    public static boolean isIstioProtocol(String s) {
        return ProtocolMapper.isIstioProtocol(s);
    }
}
