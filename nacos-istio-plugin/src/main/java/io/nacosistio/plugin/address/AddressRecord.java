package io.nacosistio.plugin.address;

import java.util.Objects;

/**
 * One line of the address table: the host an address belongs to, whether an operator chose it
 * ({@code istio.addresses}) or the pool did, and since when it is free (0 while in use). A freed address
 * stays with its host for the hold time: the pool gives it to no other host, and the same host gets it back.
 * Immutable.
 */
public final class AddressRecord {

    private final String host;
    private final boolean override;
    private final long freedAtMillis;

    public AddressRecord(String host, boolean override, long freedAtMillis) {
        this.host = Objects.requireNonNull(host);
        this.override = override;
        this.freedAtMillis = freedAtMillis;
    }

    public String host() {
        return host;
    }

    public boolean isOverride() {
        return override;
    }

    public boolean isLive() {
        return freedAtMillis == 0;
    }

    public long freedAtMillis() {
        return freedAtMillis;
    }

    AddressRecord freedAt(long millis) {
        return new AddressRecord(host, override, millis);
    }

    AddressRecord reclaimed() {
        return new AddressRecord(host, override, 0);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AddressRecord)) {
            return false;
        }
        AddressRecord r = (AddressRecord) o;
        return host.equals(r.host) && override == r.override && freedAtMillis == r.freedAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, override, freedAtMillis);
    }

    @Override
    public String toString() {
        return host + (override ? " override" : "") + (freedAtMillis == 0 ? "" : " freed=" + freedAtMillis);
    }
}
