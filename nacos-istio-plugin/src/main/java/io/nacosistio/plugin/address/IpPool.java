package io.nacosistio.plugin.address;

import com.google.common.net.InetAddresses;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A CIDR block VIPs are taken from. The usable offsets are 1 … size-2 for IPv4 (no network or broadcast
 * address) and 1 … size-1 for IPv6; pools larger than 2^62 addresses are used only up to that many. Immutable.
 */
public final class IpPool {

    private static final long MAX_SIZE = 1L << 62;

    private final String cidr;
    private final BigInteger base;
    private final int prefix;
    private final boolean ipv4;
    private final long firstOffset;
    private final long lastOffset;

    private IpPool(String cidr, BigInteger base, int prefix, boolean ipv4) {
        this.cidr = cidr;
        this.base = base;
        this.prefix = prefix;
        this.ipv4 = ipv4;
        int hostBits = (ipv4 ? 32 : 128) - prefix;
        long size = hostBits >= 62 ? MAX_SIZE : 1L << hostBits;
        this.firstOffset = 1;
        this.lastOffset = ipv4 ? size - 2 : size - 1;
    }

    /**
     * @throws IllegalArgumentException when {@code cidr} is not {@code <ip>/<prefix>} with the host bits zero,
     *                                  or leaves fewer than two usable addresses
     */
    public static IpPool parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR block (<ip>/<prefix>)");
        }
        InetAddress address;
        int prefix;
        try {
            address = InetAddresses.forString(text.substring(0, slash));
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR block (<ip>/<prefix>)", e);
        }
        boolean ipv4 = address instanceof Inet4Address;
        int bits = ipv4 ? 32 : 128;
        if (prefix < 1 || prefix > bits - 2) {
            throw new IllegalArgumentException("'" + cidr + "': the prefix length must be 1-" + (bits - 2));
        }
        BigInteger value = new BigInteger(1, address.getAddress());
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        if (!value.and(hostMask).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("'" + cidr + "' has host bits set; did you mean "
                    + InetAddresses.toAddrString(toAddress(value.andNot(hostMask), ipv4)) + "/" + prefix + "?");
        }
        return new IpPool(InetAddresses.toAddrString(address) + "/" + prefix, value, prefix, ipv4);
    }

    public boolean isIpv4() {
        return ipv4;
    }

    /** Number of addresses that can be handed out. */
    public long usableCount() {
        return lastOffset - firstOffset + 1;
    }

    /** The {@code index}-th usable address (0 ≤ index < usableCount), in canonical text form. */
    public String addressAt(long index) {
        return InetAddresses.toAddrString(toAddress(base.add(BigInteger.valueOf(firstOffset + index)), ipv4));
    }

    /** The {@code index}-th usable address as a number. */
    BigInteger valueAt(long index) {
        return base.add(BigInteger.valueOf(firstOffset + index));
    }

    public boolean contains(InetAddress address) {
        if ((address instanceof Inet4Address) != ipv4) {
            return false;
        }
        int bits = ipv4 ? 32 : 128;
        return new BigInteger(1, address.getAddress()).shiftRight(bits - prefix).equals(base.shiftRight(bits - prefix));
    }

    /** True when the two blocks share an address. */
    public boolean overlaps(IpPool other) {
        if (other.ipv4 != ipv4) {
            return false;
        }
        int bits = ipv4 ? 32 : 128;
        int shorter = Math.min(prefix, other.prefix);
        return base.shiftRight(bits - shorter).equals(other.base.shiftRight(bits - shorter));
    }

    @Override
    public String toString() {
        return cidr;
    }

    private static InetAddress toAddress(BigInteger value, boolean ipv4) {
        int length = ipv4 ? 4 : 16;
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
