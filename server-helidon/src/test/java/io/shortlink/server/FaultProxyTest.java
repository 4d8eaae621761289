package io.shortlink.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fault proxy between a test client and an in-test target server, no infrastructure. The
 * target hands each accepted socket to the test, so the test plays both peers and can check each
 * direction on its own (an echo server would tie the two together).
 */
final class FaultProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** An OK packet, the server's reply to a COMMIT: affected rows 0, last id 0, status autocommit, 0 warnings. */
    private static final byte[] OK = {7, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};

    private TargetServer target;
    private FaultProxy proxy;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        target = new TargetServer();
        proxy = FaultProxy.to("127.0.0.1", target.port());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        proxy.close();
        target.close();
    }

    @Test
    void forwardsBytes_bothWays_betweenClientAndTarget() throws IOException {
        Socket client = connect();
        Socket server = target.next();

        send(client, "ping");
        assertEquals("ping", receive(server, 4));
        send(server, "pong");
        assertEquals("pong", receive(client, 4));
    }

    @Test
    void to_refusesATargetOffLoopback() {
        assertThrows(IllegalArgumentException.class, () -> FaultProxy.to("192.0.2.1", 3306));
    }

    @Test
    void cutAll_closesEveryOpenConnection_onBothSides() throws IOException {
        Socket first = connect();
        Socket second = connect();
        Socket firstServer = target.next();
        Socket secondServer = target.next();
        Await.until("both connections open", WAIT, () -> proxy.openConnections() == 2);

        proxy.cutAll();

        assertCut(first);
        assertCut(second);
        assertCut(firstServer);
        assertCut(secondServer);
        assertEquals(0, proxy.openConnections());
    }

    @Test
    void cutAll_stillAcceptsNewConnections() throws IOException {
        connect();
        target.next();
        proxy.cutAll();

        Socket client = connect();
        Socket server = target.next();
        send(client, "again");
        assertEquals("again", receive(server, 5));
    }

    @Test
    void stall_holdsBytesInBothDirections_andResumeDeliversThem() throws IOException {
        Socket client = connect();
        Socket server = target.next();

        proxy.stall();
        send(client, "ping");
        send(server, "pong");
        Await.until("the proxy has read both sides", WAIT,
                () -> proxy.bytesFromClients() == 4 && proxy.bytesFromServers() == 4);
        assertEquals(0, proxy.bytesToServers(), "held, not forwarded");
        assertEquals(0, proxy.bytesToClients(), "held, not forwarded");
        assertEquals(1, proxy.openConnections(), "the connection stays open");

        proxy.resume();
        assertEquals("ping", receive(server, 4));
        assertEquals("pong", receive(client, 4));
    }

    @Test
    void cutAll_endsAStalledConnection() throws IOException {
        Socket client = connect();
        target.next();
        proxy.stall();
        send(client, "held");
        Await.until("the proxy has read the bytes", WAIT, () -> proxy.bytesFromClients() == 4);

        proxy.cutAll();

        assertCut(client);
    }

    @Test
    void refuseNew_closesNewConnectionsAtOnce_withoutReachingTheTarget() throws IOException {
        proxy.refuseNew(true);

        Socket client = connect();

        assertCut(client);
        assertEquals(1, proxy.refused());
        assertEquals(0, target.acceptedSoFar());
    }

    @Test
    void refuseNew_leavesOpenConnectionsAlone_andFalseAcceptsAgain() throws IOException {
        Socket open = connect();
        Socket openServer = target.next();
        proxy.refuseNew(true);
        assertCut(connect());

        send(open, "still");
        assertEquals("still", receive(openServer, 5));
        proxy.refuseNew(false);
        Socket client = connect();
        send(client, "new");
        assertEquals("new", receive(target.next(), 3));
    }

    @Test
    void cutAfterCommit_forwardsTheCommit_dropsTheReply_andCutsTheConnection() throws IOException {
        proxy.cutAfterCommit(1);

        Peers peers = query("COMMIT", Integer.MAX_VALUE);

        assertCut(peers.client());
        assertCut(peers.server());
        assertEquals(1, proxy.commitsCut());
        assertEquals(0, proxy.bytesToClients(), "the OK never reached the client");
    }

    @Test
    void cutAfterCommit_findsACommitSentOneByteAtATime() throws IOException {
        proxy.cutAfterCommit(1);

        Peers peers = query("commit", 1);

        assertCut(peers.client());
        assertEquals(1, proxy.commitsCut());
    }

    @Test
    void cutAfterCommit_cutsOnlyTheNextNCommits() throws IOException {
        proxy.cutAfterCommit(1);
        assertCut(query("COMMIT", Integer.MAX_VALUE).client());

        Peers second = query("COMMIT", Integer.MAX_VALUE);

        assertArrayEquals(OK, receiveBytes(second.client(), OK.length), "the second COMMIT is answered");
        assertEquals(1, proxy.commitsCut());
    }

    @Test
    void cutAfterCommit_leavesOtherStatementsAlone() throws IOException {
        proxy.cutAfterCommit(1);

        Peers peers = query("SELECT 'commit'", Integer.MAX_VALUE);

        assertArrayEquals(OK, receiveBytes(peers.client(), OK.length));
        assertEquals(0, proxy.commitsCut());
    }

    /** The scanner that finds the COMMIT in the client's byte stream, fed by hand. */
    @Nested
    final class PacketScanner {
        private final MySqlPacketScanner scanner = new MySqlPacketScanner();

        @Test
        void findsACommit_splitOverReadsOfOneByte() {
            byte[] commit = packet(0, MySqlPacketScanner.COM_QUERY, "COMMIT");

            for (int i = 0; i < commit.length - 1; i++) {
                assertEquals(-1, scanner.scan(commit, i, 1, MySqlPacketScanner.COMMIT_QUERY), "byte " + i);
            }

            assertEquals(commit.length, scanner.scan(commit, commit.length - 1, 1, MySqlPacketScanner.COMMIT_QUERY));
        }

        @Test
        void findsACommit_amongPacketsInOneRead_andStopsJustPastIt() {
            byte[] before = packet(0, MySqlPacketScanner.COM_QUERY, "INSERT INTO t VALUES (1)");
            byte[] commit = packet(0, MySqlPacketScanner.COM_QUERY, "commit");
            byte[] after = packet(0, MySqlPacketScanner.COM_QUERY, "SELECT 1");
            byte[] stream = concat(before, commit, after);

            int end = scanner.scan(stream, 0, stream.length, MySqlPacketScanner.COMMIT_QUERY);

            assertEquals(before.length + commit.length, end);
            assertEquals(-1, scanner.scan(stream, end, stream.length - end, MySqlPacketScanner.COMMIT_QUERY),
                    "the rest is one more packet, no commit");
        }

        @Test
        void findsACommit_whoseHeaderAndPayloadArriveInDifferentReads() {
            byte[] select = packet(0, MySqlPacketScanner.COM_QUERY, "SELECT 1");
            byte[] commit = packet(0, MySqlPacketScanner.COM_QUERY, "COMMIT");
            byte[] stream = concat(select, commit);
            int split = select.length + 2;   // in the middle of the COMMIT's length bytes

            assertEquals(-1, scanner.scan(stream, 0, split, MySqlPacketScanner.COMMIT_QUERY));

            assertEquals(stream.length, scanner.scan(stream, split, stream.length - split,
                    MySqlPacketScanner.COMMIT_QUERY), "scan answers an index into the chunk it was given");
        }

        @Test
        void matchesCommit_inAnyCase_withWhiteSpaceAround() {
            for (String sql : List.of("commit", "COMMIT", "Commit", "  commit\n", "\tCOMMIT ")) {
                byte[] commit = packet(0, MySqlPacketScanner.COM_QUERY, sql);
                assertEquals(commit.length, new MySqlPacketScanner().scan(commit, 0, commit.length,
                        MySqlPacketScanner.COMMIT_QUERY), sql);
            }
        }

        @Test
        void ignores_otherStatements_otherCommands_andPacketsOutsideACommand() {
            byte[] stream = concat(
                    packet(0, MySqlPacketScanner.COM_QUERY, "COMMIT WORK"),
                    packet(0, MySqlPacketScanner.COM_QUERY, "SELECT 'commit'"),
                    packet(0, MySqlPacketScanner.COM_QUERY, "commit;"),
                    packet(0, (byte) 0x17, "commit"),                         // COM_STMT_EXECUTE
                    packet(1, MySqlPacketScanner.COM_QUERY, "commit"),        // not a command's first packet
                    packet(0, MySqlPacketScanner.COM_QUERY, "commit" + " ".repeat(MySqlPacketScanner.PREFIX) + "x"));

            assertEquals(-1, scanner.scan(stream, 0, stream.length, MySqlPacketScanner.COMMIT_QUERY));
        }

        @Test
        void keepsInStep_pastAPacketLongerThanItsBuffer_andEmptyPackets() {
            byte[] big = packet(0, MySqlPacketScanner.COM_QUERY, "SELECT '" + "x".repeat(100_000) + "'");
            byte[] empty = {0, 0, 0, 3};
            byte[] commit = packet(0, MySqlPacketScanner.COM_QUERY, "COMMIT");
            byte[] stream = concat(big, empty, commit);

            assertEquals(big.length, scanner.scan(stream, 0, stream.length, MySqlPacketScanner.ANY_PACKET));
            assertEquals(big.length + empty.length,
                    scanner.scan(stream, big.length, stream.length - big.length, MySqlPacketScanner.ANY_PACKET));
            assertEquals(stream.length, scanner.scan(stream, big.length + empty.length, commit.length,
                    MySqlPacketScanner.COMMIT_QUERY));
        }
    }

    // ---------------------------------------------------------------------------------------

    private Socket connect() throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setSoTimeout((int) WAIT.toMillis());
        clients.add(client);
        return client;
    }

    private record Peers(Socket client, Socket server) {
    }

    /**
     * On a new connection the client sends {@code sql} as a COM_QUERY, in writes of at most
     * {@code writeSize} bytes; the server reads it whole (it was forwarded) and answers OK.
     */
    private Peers query(String sql, int writeSize) throws IOException {
        Socket client = connect();
        Socket server = target.next();
        byte[] request = packet(0, MySqlPacketScanner.COM_QUERY, sql);
        for (int at = 0; at < request.length; at += writeSize) {
            client.getOutputStream().write(request, at, Math.min(writeSize, request.length - at));
            client.getOutputStream().flush();
        }
        assertArrayEquals(request, receiveBytes(server, request.length), "the server gets the query");
        server.getOutputStream().write(OK);
        return new Peers(client, server);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String receive(Socket socket, int length) throws IOException {
        return new String(receiveBytes(socket, length), StandardCharsets.US_ASCII);
    }

    private static byte[] receiveBytes(Socket socket, int length) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        byte[] bytes = socket.getInputStream().readNBytes(length);
        assertEquals(length, bytes.length, "bytes before the end of stream");
        return bytes;
    }

    /** The peer cut the connection: reading ends or fails (reset) without a byte, within WAIT. */
    private static void assertCut(Socket socket) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        InputStream in = socket.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + WAIT, e);
        } catch (IOException e) {
            return;   // reset by the proxy's abortive close
        }
        if (read >= 0) {
            fail("a byte arrived on a connection that should be cut: " + read);
        }
    }

    /** A MySQL packet: 3-byte little-endian payload length, sequence id, command byte, text. */
    static byte[] packet(int sequenceId, byte command, String text) {
        byte[] sql = text.getBytes(StandardCharsets.UTF_8);
        int length = sql.length + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(length & 0xff);
        out.write(length >> 8 & 0xff);
        out.write(length >> 16 & 0xff);
        out.write(sequenceId);
        out.write(command);
        out.writeBytes(sql);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A loopback server whose accepted sockets the test takes, to play the server's side itself. */
    private static final class TargetServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
        private final List<Socket> all = new ArrayList<>();
        private final Thread acceptor;

        TargetServer() throws IOException {
            acceptor = Thread.ofVirtual().name("fault-proxy-test-target").start(() -> {
                try {   // ends when close() closes the listener
                    while (!listener.isClosed()) {
                        accepted.add(listener.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        /** The server's side of the next connection the proxy opened, within WAIT. */
        Socket next() {
            try {
                Socket socket = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(socket, "the proxy connected to the target within " + WAIT);
                socket.setSoTimeout((int) WAIT.toMillis());
                synchronized (all) {
                    all.add(socket);
                }
                return socket;
            } catch (InterruptedException | IOException e) {
                throw new AssertionError(e);
            }
        }

        int acceptedSoFar() {
            synchronized (all) {
                return all.size() + accepted.size();
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (all) {
                for (Socket socket : all) {
                    socket.close();
                }
            }
            for (Socket socket : accepted) {
                socket.close();
            }
            try {
                acceptor.join(WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
