package io.shortlink.core;

import java.util.Objects;

/**
 * A run of consecutive positions of one partition of a stream that a reader consumed:
 * {@code [from, next)}. A ledger moves its stored position for the partition from {@code from}
 * to {@code next} in the same transaction as the events read there.
 *
 * @param stream    names the stream and its reader, e.g. {@code kafka:clicks}
 * @param partition the partition, 0 or more
 * @param from      the first position consumed: the stored position the range continues from
 * @param next      the position after the last one consumed, greater than {@code from}
 */
public record StreamRange(String stream, int partition, long from, long next) {

    public StreamRange {
        Objects.requireNonNull(stream, "stream");
        if (stream.isEmpty() || stream.length() > 255) {
            throw new IllegalArgumentException("stream must be 1..255 characters, was " + stream.length());
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be 0 or more, was " + partition);
        }
        if (from < 0 || next <= from) {
            throw new IllegalArgumentException("a range needs 0 <= from < next, was [" + from + ", " + next + ")");
        }
    }
}
