package io.shortlink.events;

import io.shortlink.core.Click;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The bytes of one spill segment: its name, its header, writing a record and reading a file back.
 * The layout is documented once, on {@link ClickSpill}; this class is its only implementation.
 */
final class SegmentFormat {
    static final byte[] MAGIC = "SLSP".getBytes(StandardCharsets.US_ASCII);
    static final byte VERSION_1 = 1;
    static final int HEADER_BYTES = MAGIC.length + 1;

    /**
     * Starts every record. Neither 0x00 nor 0xFF (what zero-filled or erased blocks hold after a
     * crash) nor ASCII nor a click value's version byte, so a resync rarely gets past the marker
     * test at a position inside a record and seldom pays for a CRC.
     */
    static final byte MARKER = (byte) 0xA5;
    /** Marker, length, CRC32C. */
    static final int RECORD_OVERHEAD = 1 + 1 + 4;
    static final int MAX_RECORD_BYTES = RECORD_OVERHEAD + ClickCodec.MAX_VALUE_BYTES;

    private static final Pattern FILE_NAME = Pattern.compile("spill-(\\d{20})\\.log");

    private SegmentFormat() {
    }

    /** {@code spill-<seq>.log}, the sequence zero-padded to 20 digits so names sort like numbers. */
    static String fileName(long sequence) {
        return "spill-%020d.log".formatted(sequence);
    }

    /** The sequence number in a segment's file name; empty for any other file. */
    static OptionalLong sequenceOf(Path file) throws IOException {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            throw new IOException("spill segment " + file + " has a sequence number beyond " + Long.MAX_VALUE, e);
        }
    }

    static void putHeader(ByteBuffer out) {
        out.put(MAGIC).put(VERSION_1);
    }

    /** Bytes a record of this click value takes on disk. */
    static int recordBytes(byte[] value) {
        return RECORD_OVERHEAD + value.length;
    }

    /** Writes one record of {@code value}, which must fit in {@code out}. */
    static void putRecord(ByteBuffer out, CRC32C crc, byte[] value) {
        crc.reset();
        crc.update(value.length);
        crc.update(value);
        out.put(MARKER).put((byte) value.length).putInt((int) crc.getValue()).put(value);
    }

    static SegmentRead read(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        checkHeader(segment, bytes);
        if (bytes.length < HEADER_BYTES) {
            // A crash before the first buffer reached the file: an empty file lost nothing it held,
            // a shorter one is a torn header.
            return new SegmentRead(List.of(), 0, bytes.length, bytes.length > 0);
        }
        return new Scan(bytes).run();
    }

    /** Refuses a file that does not start with this format's header, or with as much of it as there is. */
    private static void checkHeader(Path segment, byte[] bytes) throws IOException {
        int present = Math.min(bytes.length, MAGIC.length);
        if (!Arrays.equals(bytes, 0, present, MAGIC, 0, present)) {
            throw new IOException("spill segment " + segment + " is not a spill segment: it starts with 0x"
                    + HexFormat.of().formatHex(bytes, 0, present) + ", a segment with 0x" + HexFormat.of().formatHex(MAGIC)
                    + " (\"SLSP\")");
        }
        if (bytes.length > MAGIC.length && bytes[MAGIC.length] != VERSION_1) {
            throw new IOException("spill segment " + segment + " has format version "
                    + Byte.toUnsignedInt(bytes[MAGIC.length]) + ", this reader knows version " + VERSION_1);
        }
    }

    /** One pass over a segment's records, resyncing past corruption. */
    private static final class Scan {
        private final byte[] bytes;
        // One per scan: a resync may check a CRC at many positions.
        private final CRC32C crc = new CRC32C();
        private final List<Click> clicks = new ArrayList<>();
        private int corruptRegions;
        private long skippedBytes;
        private boolean tornTail;

        Scan(byte[] bytes) {
            this.bytes = bytes;
        }

        SegmentRead run() {
            int pos = HEADER_BYTES;
            while (pos < bytes.length) {
                Click click = clickAt(pos);
                if (click == null) {
                    int corruptFrom = pos;
                    do {
                        pos++;
                    } while (pos < bytes.length && (click = clickAt(pos)) == null);
                    skip(corruptFrom, pos);
                    if (click == null) {
                        break;
                    }
                }
                clicks.add(click);
                pos += RECORD_OVERHEAD + valueLength(pos);
            }
            return new SegmentRead(clicks, corruptRegions, skippedBytes, tornTail);
        }

        /**
         * Bytes {@code [from, to)} hold no valid record. Only a region that runs to the end of the
         * file and is the beginning of a record cut short is a torn tail, what a crash in the middle
         * of a write leaves; anything else, the end included, is corruption worth an alarm.
         */
        private void skip(int from, int to) {
            if (to == bytes.length && isCutShortRecord(from)) {
                tornTail = true;
            } else {
                corruptRegions++;
            }
            skippedBytes += to - from;
        }

        private boolean isCutShortRecord(int pos) {
            int left = bytes.length - pos;
            if (bytes[pos] != MARKER) {
                return false;
            }
            if (left == 1) {
                return true;
            }
            int length = valueLength(pos);
            return isValueLength(length) && left < RECORD_OVERHEAD + length;
        }

        /** The click of the whole, valid record that starts at {@code pos}; null if there is none. */
        private Click clickAt(int pos) {
            if (bytes[pos] != MARKER || bytes.length - pos < RECORD_OVERHEAD) {
                return null;
            }
            int length = valueLength(pos);
            int valueStart = pos + RECORD_OVERHEAD;
            if (!isValueLength(length) || bytes.length - valueStart < length) {
                return null;
            }
            crc.reset();
            crc.update(bytes, pos + 1, 1);
            crc.update(bytes, valueStart, length);
            if ((int) crc.getValue() != ByteBuffer.wrap(bytes, pos + 2, 4).getInt()) {
                return null;
            }
            try {
                return ClickCodec.decode(Arrays.copyOfRange(bytes, valueStart, valueStart + length));
            } catch (IllegalArgumentException e) {
                // A CRC that matches a value the codec refuses: written by a bug, not torn by a
                // crash. Skipped like any corruption, so that one bad record cannot stop a replay.
                return null;
            }
        }

        private int valueLength(int pos) {
            return Byte.toUnsignedInt(bytes[pos + 1]);
        }

        private static boolean isValueLength(int length) {
            return length >= 1 && length <= ClickCodec.MAX_VALUE_BYTES;
        }
    }
}
