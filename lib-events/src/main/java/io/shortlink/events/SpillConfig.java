package io.shortlink.events;

/**
 * How much a {@link ClickSpill} may hold on disk and how it cuts it into segments. Validated on
 * construction: a bad value fails at start-up with a message naming the rule.
 *
 * @param maxBytes     the bound over all segments on disk, the active one included; an append
 *                     that would pass it is refused. At least {@code segmentBytes}
 * @param segmentBytes the size at which the active segment is sealed and a new one begun; a sealed
 *                     segment passes it by less than one record. From 101 bytes (a header and one
 *                     largest record) to 64 MiB (a replay reads a whole segment, and all its
 *                     clicks, into memory)
 */
public record SpillConfig(long maxBytes, long segmentBytes) {
    static final long MIN_SEGMENT_BYTES = SegmentFormat.HEADER_BYTES + SegmentFormat.MAX_RECORD_BYTES;
    static final long MAX_SEGMENT_BYTES = 64L << 20;

    public SpillConfig {
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be at least " + MIN_SEGMENT_BYTES
                    + " (a segment header and one largest record), was " + segmentBytes);
        }
        if (segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be at most " + MAX_SEGMENT_BYTES
                    + " (64 MiB: a replay reads a whole segment into memory), was " + segmentBytes);
        }
        if (maxBytes < segmentBytes) {
            throw new IllegalArgumentException("maxBytes must be at least segmentBytes (" + segmentBytes
                    + "), was " + maxBytes);
        }
    }

    /**
     * 1 GiB in 16 MiB segments.
     *
     * <p>A click of a 7-character code takes 39 bytes, so 1 GiB holds about 27 million clicks:
     * 45 minutes of a Kafka outage at 10,000 clicks/s. A 16 MiB segment holds about 430,000 and
     * is replayed and deleted as one piece, so a crash during a replay repeats at most that many
     * (the ledger dedupes them by event id).
     */
    public static SpillConfig defaults() {
        return new SpillConfig(1L << 30, 16L << 20);
    }

    public SpillConfig withMaxBytes(long value) {
        return new SpillConfig(value, segmentBytes);
    }

    public SpillConfig withSegmentBytes(long value) {
        return new SpillConfig(maxBytes, value);
    }
}
