package io.nacosistio.plugin.address;

/**
 * The address allocation knobs (docs/configuration.md, section Addresses), checked once. Immutable.
 */
public final class AddressSettings {

    /** istiod's own auto-allocation ranges ({@code PILOT_IP_AUTOALLOCATE_IPV4_PREFIX} and its IPv6 twin). */
    static final IpPool ISTIOD_IPV4 = IpPool.parse("240.240.0.0/16");
    static final IpPool ISTIOD_IPV6 = IpPool.parse("2001:2::/48");

    public static final String DEFAULT_IPV4_POOL = "240.241.0.0/16";
    public static final String DEFAULT_METADATA_KEY = "istio.addresses";
    public static final long DEFAULT_HOLD_MILLIS = 24L * 3600 * 1000;

    private final boolean allocate;
    private final IpPool ipv4Pool;
    private final IpPool ipv6Pool;
    private final long holdMillis;
    private final String metadataKey;

    /**
     * @param ipv6Pool CIDR or empty for IPv4 only
     * @throws IllegalArgumentException for a malformed pool, the wrong family, or an overlap with istiod's ranges
     */
    public AddressSettings(boolean allocate, String ipv4Pool, String ipv6Pool, long holdMillis, String metadataKey) {
        this.allocate = allocate;
        this.ipv4Pool = IpPool.parse(ipv4Pool);
        if (!this.ipv4Pool.isIpv4()) {
            throw new IllegalArgumentException("the IPv4 pool " + ipv4Pool + " is not an IPv4 block");
        }
        if (this.ipv4Pool.overlaps(ISTIOD_IPV4)) {
            throw new IllegalArgumentException("the IPv4 pool " + ipv4Pool + " overlaps istiod's own " + ISTIOD_IPV4);
        }
        this.ipv6Pool = ipv6Pool == null || ipv6Pool.trim().isEmpty() ? null : IpPool.parse(ipv6Pool);
        if (this.ipv6Pool != null && this.ipv6Pool.isIpv4()) {
            throw new IllegalArgumentException("the IPv6 pool " + ipv6Pool + " is not an IPv6 block");
        }
        if (this.ipv6Pool != null && this.ipv6Pool.overlaps(ISTIOD_IPV6)) {
            throw new IllegalArgumentException("the IPv6 pool " + ipv6Pool + " overlaps istiod's own " + ISTIOD_IPV6);
        }
        if (holdMillis < 0) {
            throw new IllegalArgumentException("the hold time must not be negative");
        }
        this.holdMillis = holdMillis;
        if (metadataKey == null || metadataKey.trim().isEmpty()) {
            throw new IllegalArgumentException("the addresses metadata key must not be empty");
        }
        this.metadataKey = metadataKey.trim();
    }

    public static AddressSettings defaults() {
        return new AddressSettings(true, DEFAULT_IPV4_POOL, "", DEFAULT_HOLD_MILLIS, DEFAULT_METADATA_KEY);
    }

    /** Whether registry ServiceEntries get VIPs from the pools (overrides apply either way). */
    public boolean allocate() {
        return allocate;
    }

    public IpPool ipv4Pool() {
        return ipv4Pool;
    }

    /** The IPv6 pool, or null for IPv4 only. */
    public IpPool ipv6Pool() {
        return ipv6Pool;
    }

    /** How long a freed address stays reserved for its last host. */
    public long holdMillis() {
        return holdMillis;
    }

    /** Service (then instance) metadata key whose comma-separated IPs replace the allocated ones. */
    public String metadataKey() {
        return metadataKey;
    }
}
