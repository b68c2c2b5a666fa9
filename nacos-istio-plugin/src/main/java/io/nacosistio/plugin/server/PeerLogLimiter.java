package io.nacosistio.plugin.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides which events of a peer get a log line: the first one, then at most one per interval, with how many
 * were not logged in between, so a client retrying every second cannot flood Nacos's log. Keyed by the
 * peer's address (not its port, which changes on every attempt); remembers at most {@value #MAX_PEERS} peers
 * and forgets them all when full. Thread-safe (called from the gRPC event loops).
 */
final class PeerLogLimiter {

    static final int MAX_PEERS = 4096;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<InetAddress, Entry> peers = new ConcurrentHashMap<>();

    PeerLogLimiter(long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /**
     * Records one event of {@code peer}.
     *
     * @return -1 when it is not to be logged, otherwise how many earlier events of this peer went unlogged
     */
    long record(InetAddress peer) {
        if (peers.size() >= MAX_PEERS && !peers.containsKey(peer)) {
            peers.clear();
        }
        long now = nanoClock.getAsLong();
        Entry entry = peers.computeIfAbsent(peer, p -> new Entry(now - intervalNanos));
        synchronized (entry) {
            if (now - entry.lastLogged >= intervalNanos) {
                entry.lastLogged = now;
                return entry.suppressed.getAndSet(0);
            }
            entry.suppressed.incrementAndGet();
            return -1;
        }
    }

    private static final class Entry {
        long lastLogged;
        final AtomicLong suppressed = new AtomicLong();

        Entry(long lastLogged) {
            this.lastLogged = lastLogged;
        }
    }
}
