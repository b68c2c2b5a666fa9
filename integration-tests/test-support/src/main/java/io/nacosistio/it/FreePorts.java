package io.nacosistio.it;

import java.io.IOException;
import java.net.ServerSocket;

/** Free local ports, so tests never assume 8848, 9848 or 18848 are available. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int any() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** A port p such that p and p + 1000 are both free (Nacos's HTTP and gRPC ports). */
    public static int nacosPair() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = any();
            if (candidate + 1000 <= 65535 && isFree(candidate + 1000)) {
                return candidate;
            }
        }
        throw new IOException("no free Nacos port pair found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
