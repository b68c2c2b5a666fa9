package io.nacosistio.plugin.registry;

import io.nacosistio.plugin.source.ServiceKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What must belong to one served service only: a resource name, a host. Every converted service claims
 * its resource name, its own host and each alias; a service is served only while it wins every claim.
 * The winner of a claim is a function of the claimants alone (a service's own host before an alias, then
 * the smallest namespace/group/service), never of the order events arrived in, so every node of a Nacos
 * cluster serves the same services. Losers keep their claims, so the outcome stays order-independent.
 *
 * <p>Threading: confined to the index updater thread.
 */
final class Claims {

    /** The three kinds of claim; a lower rank wins over a higher one on the same key. */
    enum Kind {
        RESOURCE_NAME(0), HOST(0), ALIAS(1);

        final int rank;

        Kind(int rank) {
            this.rank = rank;
        }
    }

    /** One service's claim on one name or host. Immutable. */
    static final class Claim implements Comparable<Claim> {
        final Kind kind;
        final String value;
        final ServiceKey owner;
        final String key;

        Claim(Kind kind, String value, ServiceKey owner) {
            this.kind = kind;
            this.value = value;
            this.owner = owner;
            // Hosts are DNS names: one claim whatever their case.
            this.key = kind == Kind.RESOURCE_NAME ? "name:" + value : "host:" + value.toLowerCase(Locale.ROOT);
        }

        @Override
        public int compareTo(Claim o) {
            int c = Integer.compare(kind.rank, o.kind.rank);
            return c != 0 ? c : owner.compareTo(o.owner);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Claim && compareTo((Claim) o) == 0 && key.equals(((Claim) o).key);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + owner.hashCode();
        }
    }

    private final Map<String, TreeSet<Claim>> byKey = new HashMap<>();

    static List<Claim> of(ServiceKey owner, ConvertedService converted) {
        List<Claim> claims = new ArrayList<>();
        claims.add(new Claim(Kind.RESOURCE_NAME, converted.resourceName(), owner));
        if (converted.host() != null) {
            claims.add(new Claim(Kind.HOST, converted.host(), owner));
        }
        for (String alias : converted.aliases()) {
            claims.add(new Claim(Kind.ALIAS, alias, owner));
        }
        return claims;
    }

    void add(Collection<Claim> claims) {
        for (Claim claim : claims) {
            byKey.computeIfAbsent(claim.key, k -> new TreeSet<>()).add(claim);
        }
    }

    void remove(Collection<Claim> claims) {
        for (Claim claim : claims) {
            TreeSet<Claim> claimants = byKey.get(claim.key);
            if (claimants != null) {
                claimants.remove(claim);
                if (claimants.isEmpty()) {
                    byKey.remove(claim.key);
                }
            }
        }
    }

    /** Every service claiming any of the keys of {@code claims} (their owner included). */
    void addClaimants(Collection<Claim> claims, Set<ServiceKey> into) {
        for (Claim claim : claims) {
            TreeSet<Claim> claimants = byKey.get(claim.key);
            if (claimants != null) {
                for (Claim c : claimants) {
                    into.add(c.owner);
                }
            }
        }
    }

    /** Why the owner of {@code claims} loses some of them; empty when it wins them all. */
    List<String> losses(Collection<Claim> claims) {
        List<String> reasons = new ArrayList<>();
        for (Claim claim : claims) {
            Claim winner = byKey.get(claim.key).first();
            if (!winner.owner.equals(claim.owner)) {
                reasons.add(reason(claim, winner));
            }
        }
        return reasons;
    }

    private static String reason(Claim loser, Claim winner) {
        String smallest = ", which wins (smallest namespace/group/service)";
        switch (loser.kind) {
            case RESOURCE_NAME:
                return "resource name " + loser.value + " is also derived from service " + winner.owner + smallest;
            case HOST:
                return "host " + loser.value + " is also the host of service " + winner.owner + smallest;
            default:
                return winner.kind == Kind.ALIAS
                        ? "alias " + loser.value + " is also an alias of service " + winner.owner + smallest
                        : "alias " + loser.value + " is the host of service " + winner.owner
                                + "; an alias never takes another service's host";
        }
    }
}
