package io.nacosistio.plugin.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the MCP server, updated by stream executors and read by anyone. */
public final class ServerMetrics {

    public final AtomicLong streamsOpened = new AtomicLong();
    public final AtomicLong streamsClosed = new AtomicLong();
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong responses = new AtomicLong();
    public final AtomicLong resourcesSent = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    public final AtomicLong acks = new AtomicLong();
    public final AtomicLong nacks = new AtomicLong();
    public final AtomicLong staleRequests = new AtomicLong();
    public final AtomicLong unknownTypeUrls = new AtomicLong();
    public final AtomicLong deltaRejected = new AtomicLong();
    public final AtomicLong connectionsRefused = new AtomicLong();
    public final AtomicLong tlsHandshakeFailures = new AtomicLong();
    public final AtomicLong tlsReloads = new AtomicLong();
    public final AtomicLong tlsReloadFailures = new AtomicLong();
    public final AtomicLong streamTaskFailures = new AtomicLong();
    public final AtomicLong streamTasksRejected = new AtomicLong();

    public long openStreams() {
        return streamsOpened.get() - streamsClosed.get();
    }
}
