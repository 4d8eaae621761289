package io.shortlink.cache;

import io.shortlink.core.Link;
import io.shortlink.core.ShortCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;

/**
 * The bytes a Redis value holds for one code: a link, a known absence, or a tombstone (the code
 * changed a moment ago; ask the store).
 *
 * <p>Layout 1 (what {@link #encode} writes):
 * <pre>
 * byte     1                      layout version
 * byte     1 | 2 | 3              link | absent | tombstone; absent and tombstone end here
 * byte     flags                  bit 0: expiresAt follows, bit 1: deletedAt follows, others 0
 * varint   n, then n bytes        the code (ASCII)
 * varint   n, then n bytes        the target URL (UTF-8)
 * instant  createdAt              zigzag varlong epoch second, then varint nanosecond
 * instant  expiresAt, deletedAt   when their flag is set
 * </pre>
 * Varints are unsigned LEB128 (7 bits a byte, low first): a link with a 7-character code, a
 * 100-character URL and a creation time in milliseconds takes 121 bytes (an instant 9 instead
 * of 12).
 *
 * <p>{@link #decode} accepts exactly that layout and nothing else: another version (a newer
 * writer during a rolling upgrade), a short or long value, a code that is not the one asked
 * for or malformed UTF-8 throws {@link IllegalArgumentException} naming the damage, which the
 * tier reads as a miss. A reader never guesses.
 */
final class LinkCodec {
    static final byte VERSION = 1;
    private static final byte LINK = 1;
    private static final byte ABSENT = 2;
    private static final byte TOMBSTONE = 3;
    private static final int EXPIRES = 1;
    private static final int DELETED = 2;

    private static final byte[] ABSENT_VALUE = {VERSION, ABSENT};
    private static final byte[] TOMBSTONE_VALUE = {VERSION, TOMBSTONE};

    private LinkCodec() {
    }

    /** The value that remembers {@code lookup}: a found link or a known absence. */
    static byte[] encode(Lookup lookup) {
        return switch (lookup) {
            case Lookup.Found found -> encode(found.link());
            case Lookup.Absent absent -> ABSENT_VALUE.clone();
            case Lookup.Failed failed -> throw new IllegalArgumentException("a failed load is never stored");
        };
    }

    /** The value that says "changed a moment ago": readers go to the store and do not fill. */
    static byte[] tombstone() {
        return TOMBSTONE_VALUE.clone();
    }

    static boolean isTombstone(byte[] value) {
        return Arrays.equals(value, TOMBSTONE_VALUE);
    }

    /**
     * What {@code value}, read under {@code code}'s key, says: a {@link Lookup.Found} or
     * {@link Lookup#Absent}. Call {@link #isTombstone} first.
     *
     * @throws IllegalArgumentException if the value is not layout 1 of a link or an absence of
     *                                  {@code code}; the message names the damage
     */
    static Lookup decode(byte[] value, ShortCode code) {
        Reader in = new Reader(value);
        int version = in.readByte("version");
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown layout version " + version);
        }
        int kind = in.readByte("kind");
        Lookup lookup = switch (kind) {
            case LINK -> new Lookup.Found(readLink(in, code));
            case ABSENT -> Lookup.Absent.INSTANCE;
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        in.requireEnd();
        return lookup;
    }

    private static byte[] encode(Link link) {
        byte[] code = link.code().value().getBytes(StandardCharsets.US_ASCII);
        byte[] url = link.url().getBytes(StandardCharsets.UTF_8);
        int flags = (link.expiresAt() != null ? EXPIRES : 0) | (link.deletedAt() != null ? DELETED : 0);
        // Each varint of an int is at most 5 bytes, an instant at most 10 + 5.
        Writer out = new Writer(3 + 5 + code.length + 5 + url.length + 3 * 15);
        out.writeByte(VERSION);
        out.writeByte(LINK);
        out.writeByte(flags);
        out.writeBytes(code);
        out.writeBytes(url);
        out.writeInstant(link.createdAt());
        if (link.expiresAt() != null) {
            out.writeInstant(link.expiresAt());
        }
        if (link.deletedAt() != null) {
            out.writeInstant(link.deletedAt());
        }
        return out.toByteArray();
    }

    private static Link readLink(Reader in, ShortCode expected) {
        int flags = in.readByte("flags");
        if ((flags & ~(EXPIRES | DELETED)) != 0) {
            throw new IllegalArgumentException("unknown flags " + flags);
        }
        String code = in.readAscii("code");
        if (!code.equals(expected.value())) {
            // A value under another code's key: a bug or a foreign writer, never a link to serve.
            throw new IllegalArgumentException("value of code '" + code + "' under the key of '" + expected + "'");
        }
        String url = in.readUtf8("url");
        Instant createdAt = in.readInstant("createdAt");
        Instant expiresAt = (flags & EXPIRES) != 0 ? in.readInstant("expiresAt") : null;
        Instant deletedAt = (flags & DELETED) != 0 ? in.readInstant("deletedAt") : null;
        return new Link(expected, url, createdAt, expiresAt, deletedAt);
    }

    private static final class Writer {
        private byte[] buf;
        private int size;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        void writeByte(int b) {
            buf[size++] = (byte) b;
        }

        void writeBytes(byte[] bytes) {
            writeVarLong(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        void writeInstant(Instant at) {
            long second = at.getEpochSecond();
            writeVarLong((second << 1) ^ (second >> 63));
            writeVarLong(at.getNano());
        }

        void writeVarLong(long value) {
            while ((value & ~0x7FL) != 0) {
                writeByte((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            writeByte((int) value);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int readByte(String field) {
            if (pos >= buf.length) {
                throw new IllegalArgumentException("value ends before " + field + " (" + buf.length + " bytes)");
            }
            return buf[pos++] & 0xFF;
        }

        long readVarLong(String field, int maxBytes) {
            long value = 0;
            for (int i = 0; i < maxBytes; i++) {
                int b = readByte(field);
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException(field + " is longer than " + maxBytes + " bytes");
        }

        /** A length that must fit in what is left of the value. */
        int readLength(String field) {
            long length = readVarLong(field + " length", 5);
            if (length > buf.length - pos) {
                throw new IllegalArgumentException(field + " length " + length + " beyond the value's end ("
                        + (buf.length - pos) + " bytes left)");
            }
            return (int) length;
        }

        String readAscii(String field) {
            int length = readLength(field);
            if (!isAscii(pos, length)) {
                throw new IllegalArgumentException(field + " is not ASCII");
            }
            return take(length, StandardCharsets.US_ASCII);
        }

        String readUtf8(String field) {
            int length = readLength(field);
            if (isAscii(pos, length)) {
                // The common case (the URL policy stores URLs percent-encoded): no decoder.
                return take(length, StandardCharsets.US_ASCII);
            }
            try {
                // new String(bytes, UTF_8) would replace malformed input silently.
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, length))
                        .toString();
                pos += length;
                return s;
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(field + " is not UTF-8", e);
            }
        }

        private boolean isAscii(int from, int length) {
            for (int i = from; i < from + length; i++) {
                if (buf[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        private String take(int length, Charset charset) {
            String s = new String(buf, pos, length, charset);
            pos += length;
            return s;
        }

        Instant readInstant(String field) {
            long zigzag = readVarLong(field, 10);
            long second = (zigzag >>> 1) ^ -(zigzag & 1);
            long nano = readVarLong(field, 5);
            if (nano > 999_999_999L) {
                throw new IllegalArgumentException(field + " has " + nano + " nanoseconds");
            }
            try {
                return Instant.ofEpochSecond(second, nano);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(field + " is out of range", e);
            }
        }

        void requireEnd() {
            if (pos != buf.length) {
                throw new IllegalArgumentException((buf.length - pos) + " bytes after the end of the value");
            }
        }
    }
}
