package io.nacosistio.plugin.address;

import com.google.common.net.InetAddresses;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The addresses and CIDR blocks that ServiceEntries kept in the config center declare in {@code spec.addresses}.
 * Those entries keep what they declare, so the {@link AddressBook} never hands such an address to another host:
 * the pool probe steps over it, an override naming it is refused, and a host whose VIP it covers is served
 * without that VIP until the declaration goes. An address declared for the same host is no conflict. Immutable.
 */
public final class DeclaredAddresses {

    private static final DeclaredAddresses NONE = new DeclaredAddresses(Collections.<Declaration>emptyList());

    private final List<Declaration> declarations;

    private DeclaredAddresses(List<Declaration> declarations) {
        this.declarations = Collections.unmodifiableList(declarations);
    }

    public static DeclaredAddresses none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One declared address or block and the ServiceEntry declaring it. */
    public static final class Declaration {
        private final String text;
        private final boolean ipv4;
        private final BigInteger low;
        private final BigInteger high;
        private final String resource;
        private final List<String> hosts;

        Declaration(String text, boolean ipv4, BigInteger low, BigInteger high, String resource, List<String> hosts) {
            this.text = text;
            this.ipv4 = ipv4;
            this.low = low;
            this.high = high;
            this.resource = resource;
            this.hosts = hosts;
        }

        /** The address or CIDR block as declared (canonical form). */
        public String address() {
            return text;
        }

        /** {@code <istio-namespace>/<name>} of the config-center ServiceEntry. */
        public String resource() {
            return resource;
        }

        public List<String> hosts() {
            return hosts;
        }

        boolean covers(boolean v4, BigInteger value) {
            return v4 == ipv4 && low.compareTo(value) <= 0 && value.compareTo(high) <= 0;
        }

        String describe() {
            return "config-center ServiceEntry " + resource + " (hosts " + hosts + ") declares "
                    + (text.indexOf('/') >= 0 ? "the block " : "") + text;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Declaration)) {
                return false;
            }
            Declaration d = (Declaration) o;
            return d.text.equals(text) && d.resource.equals(resource) && d.hosts.equals(hosts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(text, resource, hosts);
        }

        @Override
        public String toString() {
            return text + " " + resource + " " + hosts;
        }
    }

    /** Every declaration of either. */
    public static DeclaredAddresses union(DeclaredAddresses a, DeclaredAddresses b) {
        if (b.declarations.isEmpty() || a.equals(b)) {
            return a;
        }
        if (a.declarations.isEmpty()) {
            return b;
        }
        java.util.LinkedHashSet<Declaration> all = new java.util.LinkedHashSet<>(a.declarations);
        all.addAll(b.declarations);
        return new Builder().addAll(all).build();
    }

    public List<Declaration> declarations() {
        return declarations;
    }

    public boolean isEmpty() {
        return declarations.isEmpty();
    }

    /**
     * The declaration that makes {@code address} unavailable to {@code host}: one covering it for other hosts
     * only; null when there is none.
     */
    Declaration conflicting(String address, String host) {
        if (declarations.isEmpty()) {
            return null;
        }
        InetAddress parsed = InetAddresses.forString(address);
        boolean v4 = parsed instanceof Inet4Address;
        BigInteger value = new BigInteger(1, parsed.getAddress());
        Declaration found = null;
        for (Declaration d : declarations) {
            if (d.covers(v4, value)) {
                if (d.hosts.contains(host)) {
                    return null;
                }
                if (found == null) {
                    found = d;
                }
            }
        }
        return found;
    }

    /** How many consecutive addresses from {@code value} on (value included) some declaration covers; 0: none. */
    BigInteger coveredFrom(boolean v4, BigInteger value) {
        BigInteger end = null;
        for (Declaration d : declarations) {
            if (d.covers(v4, value) && (end == null || d.high.compareTo(end) > 0)) {
                end = d.high;
            }
        }
        return end == null ? BigInteger.ZERO : end.subtract(value).add(BigInteger.ONE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeclaredAddresses && ((DeclaredAddresses) o).declarations.equals(declarations);
    }

    @Override
    public int hashCode() {
        return declarations.hashCode();
    }

    @Override
    public String toString() {
        return declarations.toString();
    }

    /** Collects the declarations of several ServiceEntries. */
    public static final class Builder {
        private final List<Declaration> declarations = new ArrayList<>();

        /**
         * Adds what one ServiceEntry declares. Items that are neither an IP address nor a CIDR block are left out
         * (istiod refuses such an entry anyway).
         *
         * @param resource {@code <istio-namespace>/<name>}
         */
        public Builder add(String resource, Collection<String> hosts, Collection<String> addresses) {
            List<String> sortedHosts = Collections.unmodifiableList(new ArrayList<>(new TreeSet<>(hosts)));
            for (String raw : addresses) {
                Declaration d = parse(raw.trim(), resource, sortedHosts);
                if (d != null) {
                    declarations.add(d);
                }
            }
            return this;
        }

        Builder addAll(Collection<Declaration> more) {
            declarations.addAll(more);
            return this;
        }

        public DeclaredAddresses build() {
            if (declarations.isEmpty()) {
                return NONE;
            }
            List<Declaration> sorted = new ArrayList<>(declarations);
            sorted.sort((a, b) -> {
                int c = a.text.compareTo(b.text);
                return c != 0 ? c : a.resource.compareTo(b.resource);
            });
            return new DeclaredAddresses(sorted);
        }

        private static Declaration parse(String text, String resource, List<String> hosts) {
            int slash = text.indexOf('/');
            InetAddress address;
            int prefix;
            try {
                address = InetAddresses.forString(slash < 0 ? text : text.substring(0, slash));
                prefix = slash < 0 ? -1 : Integer.parseInt(text.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
            boolean v4 = address instanceof Inet4Address;
            int bits = v4 ? 32 : 128;
            if (slash < 0) {
                prefix = bits;
            }
            if (prefix < 0 || prefix > bits) {
                return null;
            }
            BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
            BigInteger low = new BigInteger(1, address.getAddress()).andNot(hostMask);
            String canonical = InetAddresses.toAddrString(address) + (slash < 0 ? "" : "/" + prefix);
            return new Declaration(canonical, v4, low, low.or(hostMask), resource, hosts);
        }
    }
}
