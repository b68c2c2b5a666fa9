package io.nacosistio.it;

/**
 * Connects like istiod, subscribes to every kind, ACKs everything and then stays connected:
 * {@code IdleClientMain <host> <port> <seconds>}. Used to measure a Nacos's idle cost with a client on.
 */
public final class IdleClientMain {

    private IdleClientMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        try (IstiodLikeClient client = IstiodLikeClient.connect(host, port, 30)) {
            client.subscribe(IstiodLikeClient.ISTIO_124_TYPES);
            client.awaitAll(IstiodLikeClient.ISTIO_124_TYPES, 10_000);
            System.out.println("connected; all kinds answered");
            Thread.sleep(seconds * 1000);
            if (client.streamEnded()) {
                throw new IllegalStateException("stream ended: " + client.errors());
            }
            System.out.println("still connected after " + seconds + " s; responses: " + client.history().size());
        }
    }
}
