package io.nacosistio.it;

import java.util.List;

/**
 * Connects like istiod, subscribes to every kind, ACKs everything and then stays connected:
 * {@code IdleClientMain <host> <port> <seconds> [1.24|1.20]}. Used to measure a Nacos's idle cost with a client on.
 */
public final class IdleClientMain {

    private IdleClientMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        try (IstiodLikeClient client = IstiodLikeClient.connect(host, port, 30)) {
            List<String> types = args.length > 3 && args[3].equals("1.20") ? IstiodLikeClient.ISTIO_120_TYPES
                    : IstiodLikeClient.ISTIO_124_TYPES;
            client.subscribe(types);
            try {
                client.awaitAll(types, 10_000);
                System.out.println("connected; all kinds answered");
            } catch (AssertionError e) {
                // Stay connected anyway: the idle cost of a server whose client waits is measured too.
                System.out.println("connected; " + e.getMessage());
            }
            Thread.sleep(seconds * 1000);
            if (client.streamEnded()) {
                throw new IllegalStateException("stream ended: " + client.errors());
            }
            System.out.println("still connected after " + seconds + " s; responses: " + client.history().size());
        }
    }
}
