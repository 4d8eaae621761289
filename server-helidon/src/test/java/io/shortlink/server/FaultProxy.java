package io.shortlink.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on loopback that injects network faults between a client (a JDBC driver, a
 * Kafka or Redis client) and a real server, while traffic flows: cut every connection, hold
 * every byte, refuse new connections, or lose the acknowledgement of a MySQL {@code COMMIT}.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to("127.0.0.1", 13306)) {
 *     String url = "jdbc:mysql://127.0.0.1:" + proxy.port() + "/db?sslMode=DISABLED";
 *     proxy.cutAfterCommit(1);   // the next COMMIT reaches the server; its OK never comes back
 * }
 * }</pre>
 *
 * <p>Every control is thread-safe and takes effect on open connections at once. A cut is
 * abortive (RST to both peers, as a crashed host or a middlebox that dropped its state looks),
 * so both sides learn of it on their next read or write rather than at a quiet end of stream.
 * Listens on 127.0.0.1 only and forwards only to a loopback address.
 *
 * <p>One virtual thread per direction of each connection, blocking java.net sockets: each
 * direction is a plain read-scan-forward loop (the MySQL packet framing keeps its place in
 * local state, stalling is "do not write yet"), a blocked read parks without a carrier, and
 * closing a socket from any thread ends a read blocked on it. A selector loop would need
 * per-connection state machines and interest-set juggling for a stall, for a handful of test
 * connections.
 */
final class FaultProxy implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextId = new AtomicLong();

    private final ReentrantLock gate = new ReentrantLock();
    private final Condition gateChanged = gate.newCondition();
    private boolean stalled;   // guarded by gate

    private volatile boolean refusing;
    private volatile boolean closed;
    private final AtomicInteger commitCutsArmed = new AtomicInteger();
    private final AtomicInteger commitsCut = new AtomicInteger();

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Flow upstream = new Flow();
    private final Flow downstream = new Flow();

    private FaultProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
    }

    /**
     * Starts a proxy on 127.0.0.1 and an ephemeral port that forwards to {@code host:port}.
     *
     * @throws IllegalArgumentException when the target is not a loopback address
     */
    static FaultProxy to(String host, int port) throws IOException {
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved() || !target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("a fault proxy forwards to loopback only, not to " + host + ":" + port);
        }
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(target, listener);
        proxy.start("fault-proxy-" + listener.getLocalPort() + "-accept", proxy::acceptLoop);
        return proxy;
    }

    /** The port clients connect to, on 127.0.0.1. */
    int port() {
        return listener.getLocalPort();
    }

    /** Cuts every connection open now, both sides at once; new connections are still accepted. */
    void cutAll() {
        for (Link link : List.copyOf(links)) {
            link.abort();
        }
    }

    /**
     * Stops forwarding in both directions on every connection, new ones included. Connections
     * stay open and what is read is held, not dropped, until {@link #resume()}.
     */
    void stall() {
        setStalled(true);
    }

    /** Forwards again what {@link #stall()} held, and everything after it. */
    void resume() {
        setStalled(false);
    }

    /** While true, a new connection is closed as soon as it is accepted (abortively). */
    void refuseNew(boolean refuse) {
        this.refusing = refuse;
    }

    /**
     * Arms the lost-acknowledgement fault for the next {@code n} client COMMITs (a COM_QUERY
     * whose SQL is {@code commit}, any case): the proxy forwards the COMMIT to the server, waits
     * for the server's reply, drops it and cuts that connection. The server has committed; the
     * client sees its connection die inside {@code commit()}. Replaces what was armed before;
     * 0 disarms. Bytes the client sent after that COMMIT are not forwarded.
     */
    void cutAfterCommit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cutAfterCommit takes a count >= 0, not " + n);
        }
        commitCutsArmed.set(n);
    }

    /** How many COMMITs lost their acknowledgement so far. */
    int commitsCut() {
        return commitsCut.get();
    }

    /** Connections accepted so far, refused ones included. */
    long accepted() {
        return accepted.get();
    }

    /** Connections closed at once because of {@link #refuseNew(boolean)}. */
    long refused() {
        return refused.get();
    }

    /** Connections open now (accepted and not yet closed or cut). */
    int openConnections() {
        return links.size();
    }

    /** Bytes read from clients, forwarded or not (yet). */
    long bytesFromClients() {
        return upstream.read.get();
    }

    /** Bytes written to servers. */
    long bytesToServers() {
        return upstream.written.get();
    }

    /** Bytes read from servers, forwarded or not (yet). */
    long bytesFromServers() {
        return downstream.read.get();
    }

    /** Bytes written to clients. */
    long bytesToClients() {
        return downstream.written.get();
    }


    /**
     * Stops accepting, cuts every connection and waits up to 5 s for the proxy's threads to end.
     *
     * @throws IllegalStateException naming the threads still alive after that
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        cutAll();
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (Thread thread : List.copyOf(threads)) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> alive = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!alive.isEmpty()) {
            throw new IllegalStateException("fault proxy threads still running after " + CLOSE_TIMEOUT + ": " + alive);
        }
    }

    private void setStalled(boolean stall) {
        changeGate(() -> stalled = stall);
    }

    /** Returns when forwarding may go on; throws when the link was cut meanwhile. */
    private void awaitOpenGate(Link link) throws IOException {
        gate.lock();
        try {
            while (stalled && !link.isClosed()) {
                gateChanged.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stalled");
        } finally {
            gate.unlock();
        }
        if (link.isClosed()) {
            throw new SocketException("connection was cut while stalled");
        }
    }

    private void wakeStalled() {
        changeGate(() -> { });
    }

    /** Makes {@code change} holding the gate, then wakes every pump waiting at it to look again. */
    private void changeGate(Runnable change) {
        gate.lock();
        try {
            change.run();
            gateChanged.signalAll();
        } finally {
            gate.unlock();
        }
    }

    private boolean claimCommitCut() {
        return commitCutsArmed.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private void start(String name, Runnable body) {
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(thread);
        thread.start();
    }

    private void acceptLoop() {
        // Ends when close() closes the listener; accept() then throws.
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault-proxy port=" + port() + " accept failed, no longer accepting: " + e);
                }
                return;
            }
            accepted.incrementAndGet();
            if (refusing || closed) {
                refused.incrementAndGet();
                abortQuietly(client);
                continue;
            }
            Link link = new Link(nextId.incrementAndGet(), client);
            links.add(link);
            start("fault-proxy-" + port() + "-c" + link.id + "-up", () -> link.run());
        }
    }

    private static void abortQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.setSoLinger(true, 0);   // close with RST, not FIN
        } catch (IOException e) {
            // already closed: nothing to abort
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is best effort here: the peer sees the connection end either way
        }
    }

    /** The bytes one direction (clients to servers, or back) has moved over all connections. */
    private static final class Flow {
        /** Read, forwarded or not (yet). */
        final AtomicLong read = new AtomicLong();
        final AtomicLong written = new AtomicLong();
    }

    /** One direction of one connection: the stream it reads and the one it writes, counted in its {@link Flow}. */
    private record Leg(InputStream in, OutputStream out, Flow flow) {
        /** Reads into {@code buffer} and counts what came: the byte count, or -1 at end of stream. */
        int read(byte[] buffer) throws IOException {
            int n = in.read(buffer);
            if (n > 0) {
                flow.read.addAndGet(n);
            }
            return n;
        }

        /** Writes the first {@code n} bytes of {@code buffer} and counts them. */
        void write(byte[] buffer, int n) throws IOException {
            out.write(buffer, 0, n);
            flow.written.addAndGet(n);
        }
    }

    /** One proxied connection: the client's socket, the server's, one pump per direction. */
    private final class Link {
        final long id;
        final Socket client;
        volatile Socket server;
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicInteger pumpsRunning = new AtomicInteger(2);
        /** Set by the upstream pump before it forwards a COMMIT whose reply is to be lost. */
        volatile boolean awaitingCommitReply;
        final MySqlPacketScanner fromClient = new MySqlPacketScanner();
        final MySqlPacketScanner fromServer = new MySqlPacketScanner();

        Link(long id, Socket client) {
            this.id = id;
            this.client = client;
        }

        boolean isClosed() {
            return ended.get();
        }

        /** Connects to the target, then pumps client to server; the other direction gets a thread of its own. */
        void run() {
            Socket upstream = new Socket();
            server = upstream;
            if (isClosed()) {   // cut while connecting: abort() may have missed the socket
                closeQuietly(upstream);
                return;
            }
            try {
                upstream.connect(target, (int) CONNECT_TIMEOUT.toMillis());
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                abort();
                return;
            }
            start("fault-proxy-" + port() + "-c" + id + "-down", this::pumpServerToClient);
            pumpClientToServer();
        }

        void pumpClientToServer() {
            byte[] buffer = new byte[BUFFER];
            try {
                Leg up = new Leg(client.getInputStream(), server.getOutputStream(), upstream);
                for (int n; (n = up.read(buffer)) >= 0; ) {
                    int cutAt = endOfCommitToCut(buffer, n);
                    awaitOpenGate(this);
                    if (cutAt >= 0) {
                        // Set before the COMMIT leaves, so the downstream pump cannot forward its reply.
                        awaitingCommitReply = true;
                        up.write(buffer, cutAt);
                        return;
                    }
                    up.write(buffer, n);
                }
                server.shutdownOutput();
                pumpEnded();
            } catch (IOException e) {
                abort();
            }
        }

        /** The index just past an armed COMMIT packet that ends in this read, or -1. */
        private int endOfCommitToCut(byte[] buffer, int n) {
            int at = 0;
            while (at < n) {
                int end = fromClient.scan(buffer, at, n - at, MySqlPacketScanner.COMMIT_QUERY);
                if (end < 0) {
                    return -1;
                }
                if (claimCommitCut()) {
                    return end;
                }
                at = end;
            }
            return -1;
        }

        void pumpServerToClient() {
            byte[] buffer = new byte[BUFFER];
            try {
                Leg down = new Leg(server.getInputStream(), client.getOutputStream(), downstream);
                for (int n; (n = down.read(buffer)) >= 0; ) {
                    if (awaitingCommitReply) {
                        // The client sends nothing after a COMMIT until its reply, so these bytes are
                        // that reply: drop them. The reply starts a packet, since the client had read
                        // every earlier reply whole; so this scanner, fed nothing before, is in step.
                        if (fromServer.scan(buffer, 0, n, MySqlPacketScanner.ANY_PACKET) >= 0) {
                            commitsCut.incrementAndGet();
                            abort();
                            return;
                        }
                        continue;
                    }
                    awaitOpenGate(this);
                    down.write(buffer, n);
                }
                if (awaitingCommitReply) {   // the server hung up instead of replying: the cut is not counted
                    abort();
                    return;
                }
                client.shutdownOutput();
                pumpEnded();
            } catch (IOException e) {
                abort();
            }
        }

        /** Both directions ended with a clean end of stream: close both sockets the quiet way. */
        private void pumpEnded() {
            if (pumpsRunning.decrementAndGet() == 0 && ended.compareAndSet(false, true)) {
                links.remove(this);
                closeQuietly(client);
                closeQuietly(server);
            }
        }

        void abort() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            links.remove(this);
            abortQuietly(client);
            abortQuietly(server);
            wakeStalled();
        }
    }
}
