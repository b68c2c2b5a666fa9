package io.nacosistio.plugin.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The open streams, for the debug view and shutdown. Thread-safe. */
final class StreamRegistry {

    private final ConcurrentHashMap<Long, McpStream> streams = new ConcurrentHashMap<>();

    void add(McpStream stream) {
        streams.put(stream.id(), stream);
    }

    void remove(McpStream stream) {
        streams.remove(stream.id());
    }

    List<McpStream> all() {
        return new ArrayList<>(streams.values());
    }

    /** Asks every stream for a snapshot and waits up to the timeout for the answers. */
    List<StreamInfo> describeAll(long timeoutMillis) throws InterruptedException {
        List<McpStream> all = all();
        List<StreamInfo> infos = java.util.Collections.synchronizedList(new ArrayList<StreamInfo>());
        CountDownLatch done = new CountDownLatch(all.size());
        for (McpStream s : all) {
            s.describe(info -> {
                infos.add(info);
                done.countDown();
            });
        }
        done.await(timeoutMillis, TimeUnit.MILLISECONDS);
        List<StreamInfo> sorted = new ArrayList<>(infos);
        sorted.sort((a, b) -> Long.compare(a.id, b.id));
        return sorted;
    }
}
