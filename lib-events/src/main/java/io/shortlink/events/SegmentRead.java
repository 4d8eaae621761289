package io.shortlink.events;

import io.shortlink.core.Click;
import java.util.List;

/**
 * What {@link ClickSpill#read(java.nio.file.Path)} found in one segment.
 *
 * @param clicks         every intact record, in the order written, each once
 * @param corruptRegions runs of bytes between intact records that hold no valid record: each one
 *                       lost the record(s) it overlaps. Not expected from a crash; worth an alarm
 * @param skippedBytes   bytes that are neither the header nor part of a returned record: the
 *                       corrupt regions plus a torn tail (or a torn header)
 * @param tornTail       the file ends in a record, or a header, cut short: what a crash in the
 *                       middle of a write leaves, expected after one and lost only that record
 */
public record SegmentRead(List<Click> clicks, int corruptRegions, long skippedBytes, boolean tornTail) {

    public SegmentRead {
        clicks = List.copyOf(clicks);
    }
}
