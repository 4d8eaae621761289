package io.shortlink.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Frames one direction of a MySQL client/server byte stream into packets, across reads: a packet
 * is a 3-byte little-endian payload length, a 1-byte sequence id, then the payload. A packet may
 * arrive split over many reads, or several packets in one read; the scanner keeps its place
 * between calls. It reads the stream, it never changes it.
 *
 * <p>Only for plain connections: with TLS or protocol compression on, the bytes are not packets
 * any more (the fault proxy's users run {@code sslMode=DISABLED} and no {@code useCompression}).
 * Not thread-safe: one scanner per direction of one connection, used by the thread that reads it.
 */
final class MySqlPacketScanner {
    /** Which complete packets {@link #scan} stops at. */
    interface Stop {
        /**
         * @param sequenceId the packet's sequence id (0 starts a command from the client)
         * @param payloadLength the whole payload's length
         * @param prefix the payload's first bytes: {@code min(payloadLength, PREFIX)} of them
         */
        boolean at(int sequenceId, int payloadLength, byte[] prefix);
    }

    /** Stops at the first complete packet, whatever it is (the server's reply to a command). */
    static final Stop ANY_PACKET = (sequenceId, payloadLength, prefix) -> true;

    /**
     * Stops at a client's COM_QUERY whose SQL is {@code commit}, in any case and with white space
     * around it; what Connector/J 9.5's {@code Connection.commit()} sends is {@code "COMMIT"}.
     * A command packet is the first of its exchange, so its sequence id is 0; this keeps the
     * handshake packets (sequence 1 and on) from ever being read as a command.
     */
    static final Stop COMMIT_QUERY = (sequenceId, payloadLength, prefix) -> sequenceId == 0
            && payloadLength == prefix.length
            && prefix.length > 0
            && prefix[0] == MySqlPacketScanner.COM_QUERY
            && new String(prefix, 1, prefix.length - 1, StandardCharsets.UTF_8).strip().equalsIgnoreCase("commit");

    static final byte COM_QUERY = 0x03;
    /** Payload bytes kept per packet for {@link Stop}; a commit is far shorter. */
    static final int PREFIX = 64;
    private static final int HEADER = 4;

    private final byte[] header = new byte[HEADER];
    private int headerFilled;
    private int sequenceId;
    private int payloadLength;
    private int payloadSeen;
    private final byte[] prefix = new byte[PREFIX];

    /**
     * Reads {@code length} bytes of the stream from {@code chunk[offset]} and returns the index in
     * {@code chunk} just past the first packet that completes in them and that {@code stop} accepts,
     * or -1 when none does (then every byte was read). After a stop the scanner stands at the next
     * packet's start: call again with the rest of the chunk to go on.
     */
    int scan(byte[] chunk, int offset, int length, Stop stop) {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            if (headerFilled < HEADER) {
                int n = Math.min(HEADER - headerFilled, end - at);
                System.arraycopy(chunk, at, header, headerFilled, n);
                headerFilled += n;
                at += n;
                if (headerFilled < HEADER) {
                    return -1;
                }
                payloadLength = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                sequenceId = header[3] & 0xff;
                payloadSeen = 0;
            }
            int n = Math.min(payloadLength - payloadSeen, end - at);
            if (payloadSeen < PREFIX) {
                System.arraycopy(chunk, at, prefix, payloadSeen, Math.min(n, PREFIX - payloadSeen));
            }
            payloadSeen += n;
            at += n;
            if (payloadSeen == payloadLength) {
                headerFilled = 0;
                byte[] kept = Arrays.copyOf(prefix, Math.min(payloadLength, PREFIX));
                if (stop.at(sequenceId, payloadLength, kept)) {
                    return at;
                }
            }
        }
        return -1;
    }
}
