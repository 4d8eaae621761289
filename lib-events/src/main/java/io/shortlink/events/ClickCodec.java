package io.shortlink.events;

import io.shortlink.core.Click;
import io.shortlink.core.ShortCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The wire format of a click on the {@code clicks} topic. Stateless and thread-safe.
 *
 * <p>Key: the code's characters as ASCII bytes (a code is {@code [A-Za-z0-9_-]}), unversioned.
 * Kafka's partitioner hashes the key, so all clicks of one link land in one partition in order;
 * changing these bytes would move every link to another partition.
 *
 * <p>Value, version 1, big-endian, 26 + n bytes (at most 90):
 * <pre>
 * offset  size  field
 *      0     1  version, 1
 *      1     8  event id, most significant 64 bits
 *      9     8  event id, least significant 64 bits
 *     17     8  click time, signed milliseconds since 1970-01-01T00:00:00Z
 *     25     1  n, the code's length, 1..64
 *     26     n  the code, ASCII
 * </pre>
 * The click time has millisecond precision: {@link #encode(Click)} truncates
 * {@link Click#at()} to the millisecond (towards the past), so a decoded click equals the
 * original with {@code at} truncated to millis. A new layout gets a new version byte; a reader
 * refuses versions it does not know rather than guess.
 */
public final class ClickCodec {
    static final byte VERSION_1 = 1;
    static final int HEADER_BYTES = 1 + 8 + 8 + 8 + 1;
    static final int MAX_VALUE_BYTES = HEADER_BYTES + ShortCode.MAX_LENGTH;

    private ClickCodec() {
    }

    /** The record key of clicks on {@code code}: its characters as ASCII bytes. */
    public static byte[] encodeKey(ShortCode code) {
        return code.value().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The record value of {@code click}, version 1.
     *
     * @throws IllegalArgumentException if the click's time does not fit signed epoch milliseconds
     *                                  (about 292 million years either side of 1970)
     */
    public static byte[] encode(Click click) {
        long millis;
        try {
            millis = click.at().toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("click time " + click.at() + " does not fit epoch milliseconds", e);
        }
        byte[] code = encodeKey(click.code());
        return ByteBuffer.allocate(HEADER_BYTES + code.length)
                .put(VERSION_1)
                .putLong(click.eventId().getMostSignificantBits())
                .putLong(click.eventId().getLeastSignificantBits())
                .putLong(millis)
                .put((byte) code.length)
                .put(code)
                .array();
    }

    /**
     * Reads a record value written by {@link #encode(Click)}.
     *
     * @throws IllegalArgumentException naming the problem if {@code value} is empty, truncated,
     *                                  of an unknown version, longer than its layout allows, or
     *                                  carries a code length or code characters that no short code has
     */
    public static Click decode(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length == 0) {
            throw new IllegalArgumentException("click value is empty");
        }
        if (value[0] != VERSION_1) {
            throw new IllegalArgumentException("click value has unknown version " + Byte.toUnsignedInt(value[0])
                    + ", this reader knows version " + VERSION_1);
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("click value is oversized: " + value.length
                    + " bytes, version 1 has at most " + MAX_VALUE_BYTES);
        }
        if (value.length < HEADER_BYTES) {
            throw new IllegalArgumentException("click value is truncated: " + value.length
                    + " bytes, version 1 has a " + HEADER_BYTES + "-byte header");
        }
        ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
        UUID eventId = new UUID(in.getLong(), in.getLong());
        Instant at = Instant.ofEpochMilli(in.getLong());
        int codeLength = Byte.toUnsignedInt(in.get());
        if (codeLength < 1 || codeLength > ShortCode.MAX_LENGTH) {
            throw new IllegalArgumentException("click value has code length " + codeLength
                    + ", a short code has 1.." + ShortCode.MAX_LENGTH);
        }
        if (in.remaining() < codeLength) {
            throw new IllegalArgumentException("click value is truncated: code length " + codeLength
                    + " but " + in.remaining() + " code bytes");
        }
        if (in.remaining() > codeLength) {
            throw new IllegalArgumentException("click value is oversized: " + (in.remaining() - codeLength)
                    + " bytes after the code");
        }
        return new Click(eventId, readCode(value, HEADER_BYTES, codeLength), at);
    }

    private static ShortCode readCode(byte[] value, int offset, int length) {
        // Checked byte by byte before decoding: US_ASCII would turn a non-ASCII byte into '?',
        // which ShortCode then refuses with a message about the wrong character.
        for (int i = offset; i < offset + length; i++) {
            if (value[i] < 0) {
                throw new IllegalArgumentException("click value's code has a non-ASCII byte at offset " + i);
            }
        }
        String code = new String(value, offset, length, StandardCharsets.US_ASCII);
        return ShortCode.parse(code).orElseThrow(() -> new IllegalArgumentException(
                "click value's code '" + code + "' is not a short code ([A-Za-z0-9_-])"));
    }
}
