package io.nacosistio.quickstart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP load balancer on loopback in front of several backends, as a Kubernetes Service or a cloud load
 * balancer stands in front of the Nacos members' MCP ports: each accepted connection is forwarded to the first
 * backend, in the given order, that accepts a connection; when a backend goes away its connections close and
 * the client's next connection goes to the next backend that is up. Records which backend every connection
 * went to. Runs in front of the quick start's cluster members and in the cluster tests.
 */
public final class TcpBalancer implements AutoCloseable {

    /** One forwarded connection: when it was accepted and the backend port it went to. */
    public record Routed(long nanoTime, int backendPort) {
    }

    private final ServerSocket server;
    private final List<Integer> backends;
    private final List<Routed> routed = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private TcpBalancer(ServerSocket server, List<Integer> backends) {
        this.server = server;
        this.backends = List.copyOf(backends);
    }

    /** A balancer on a free loopback port. */
    public static TcpBalancer start(List<Integer> backendPorts) throws IOException {
        return start(InetAddress.getLoopbackAddress(), 0, backendPorts);
    }

    /** A balancer listening on {@code address:port} (port 0: a free one). */
    public static TcpBalancer start(InetAddress address, int port, List<Integer> backendPorts) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, port));
        TcpBalancer balancer = new TcpBalancer(server, backendPorts);
        Thread acceptor = new Thread(balancer::acceptLoop, "tcp-balancer-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return balancer;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every connection forwarded so far, in order. */
    public List<Routed> routed() {
        return new ArrayList<>(routed);
    }

    /** The backend port of the latest forwarded connection; -1 if none. */
    public int lastBackend() {
        List<Routed> all = routed();
        return all.isEmpty() ? -1 : all.get(all.size() - 1).backendPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket backend = connectToFirstUp();
            if (backend == null) {
                closeQuietly(client);
                continue;
            }
            routed.add(new Routed(System.nanoTime(), backend.getPort()));
            open.add(client);
            open.add(backend);
            pipe(client, backend);
            pipe(backend, client);
        }
    }

    private Socket connectToFirstUp() {
        for (int port : backends) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
        return null;
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: both close below, as a balancer drops the pair
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-balancer-pipe-" + from.getPort() + "-" + to.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        open.forEach(TcpBalancer::closeQuietly);
        open.clear();
    }
}
