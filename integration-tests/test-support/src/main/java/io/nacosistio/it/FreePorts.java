package io.nacosistio.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free local ports, so tests never assume 8848, 9848 or 18848 are available.
 *
 * <p>Ports are picked below the kernel's ephemeral range: a port taken from that range (by binding port 0)
 * can be handed by the kernel to any outgoing connection of any process before the test binds it, and a
 * Nacos opens loopback connections of its own while it boots. No port is handed out twice by one JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final Path EPHEMERAL_RANGE = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static int any() throws IOException {
        return pick(0, 0);
    }

    /**
     * A port p such that p and the ports Nacos derives from it are all free: gRPC for clients (p + 1000) and
     * for cluster members (p + 1001), and Raft (p − 1000).
     */
    public static int nacosPair() throws IOException {
        return pick(1000, 1001);
    }

    private static synchronized int pick(int below, int above) throws IOException {
        int highest = ephemeralLow() - 1 - above;
        int lowest = LOWEST + below;
        for (int attempt = 0; attempt < 500; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(lowest, highest + 1);
            if (allFree(candidate, below, above)) {
                HANDED_OUT.add(candidate);
                if (above > 0) {
                    HANDED_OUT.add(candidate + 1000);
                    HANDED_OUT.add(candidate + above);
                    HANDED_OUT.add(candidate - below);
                }
                return candidate;
            }
        }
        throw new IOException("no free port found in " + lowest + "-" + highest);
    }

    private static boolean allFree(int candidate, int below, int above) {
        if (above == 0) {
            return isFree(candidate);
        }
        return isFree(candidate) && isFree(candidate + 1000) && isFree(candidate + above) && isFree(candidate - below);
    }

    private static boolean isFree(int port) {
        if (HANDED_OUT.contains(port)) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (32768 where it cannot be read). */
    private static int ephemeralLow() {
        try {
            String range = new String(Files.readAllBytes(EPHEMERAL_RANGE), StandardCharsets.US_ASCII).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 3_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
