package io.nacosistio.bench;

import com.alibaba.nacos.api.exception.NacosException;

import java.util.ArrayList;
import java.util.List;

/**
 * The Nacos clients of one cluster member: its share of the services, split over {@code clients} connections of
 * the real Nacos client, each a {@link Registry} of a contiguous range. Distro replicates a client's instances as
 * one unit, every time any of them changes, so the share is spread over many clients as a fleet of applications
 * spreads it; one client holding a member's whole share would make each change a replication of all of them.
 */
final class MemberClients implements AutoCloseable {

    private final List<Registry> registries = new ArrayList<>();
    private final int[] firsts;
    private final int[] capacities;

    /**
     * @param first    the first service (global index) of this member's share
     * @param services the size of the share
     */
    MemberClients(int httpPort, int first, int services, int clients, int endpoints) throws NacosException {
        int count = Math.max(1, Math.min(clients, services));
        this.firsts = new int[count];
        this.capacities = new int[count];
        int per = services / count;
        try {
            for (int c = 0; c < count; c++) {
                int capacity = c == count - 1 ? services - per * (count - 1) : per;
                firsts[c] = per * c;
                capacities[c] = capacity;
                registries.add(new Registry(httpPort, first + per * c, capacity, endpoints, 1, Registry.SEQ_LABEL));
            }
        } catch (NacosException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Registers every client's services, one client after another, with {@code threads} concurrent calls each:
     * only the client being filled changes, so Distro replicates one growing client at a time, not all of them
     * every second. Returns the elapsed seconds.
     */
    double fill(int threads) throws Exception {
        long started = System.nanoTime();
        for (int c = 0; c < registries.size(); c++) {
            registries.get(c).fillTo(capacities[c], threads);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Services registered so far through this member's clients. */
    int services() {
        int n = 0;
        for (Registry r : registries) {
            n += r.services();
        }
        return n;
    }

    int clients() {
        return registries.size();
    }

    /** Makes change {@code seq} to the member's service {@code local} (0 .. share - 1), through its client. */
    void change(int local, long seq, List<? extends ChangeListener> listeners) throws NacosException {
        int c = registries.size() - 1;
        while (firsts[c] > local) {
            c--;
        }
        registries.get(c).change(local - firsts[c], seq, listeners);
    }

    @Override
    public void close() throws NacosException {
        NacosException failed = null;
        for (Registry r : registries) {
            try {
                r.close();
            } catch (NacosException e) {
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
