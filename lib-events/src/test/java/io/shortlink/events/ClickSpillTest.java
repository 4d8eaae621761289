package io.shortlink.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.Click;
import io.shortlink.core.ShortCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class ClickSpillTest {
    private static final int HEADER = SegmentFormat.HEADER_BYTES;
    /** Small segments, so that a few dozen clicks fill several. */
    private static final SpillConfig SMALL = SpillConfig.defaults().withSegmentBytes(SpillConfig.MIN_SEGMENT_BYTES * 4);
    private static final List<Click> FIVE = clicks(0, 5);
    private static final int MIDDLE = 2;

    @TempDir
    Path dir;

    // --- writing and reading back ---

    @Test
    void appendedClicks_readBackWithTheirEventIdsCodesAndMillis_acrossSegments_oldestFirst() throws IOException {
        List<Click> written = clicks(0, 1_000);
        try (ClickSpill spill = ClickSpill.open(dir, SMALL)) {
            appendAll(spill, written);
            spill.roll();

            assertTrue(spill.sealedSegments().size() > 10, "segments: " + spill.sealedSegments().size());
            assertEquals(written, readAll(spill.sealedSegments()));
        }
    }

    @Test
    void aSegment_isSealedByTheAppendAfterItReachedSegmentBytes_soItPassesThemByLessThanOneRecord() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SMALL)) {
            appendAll(spill, clicks(0, 100));

            for (Path segment : spill.sealedSegments()) {
                long size = Files.size(segment);
                assertTrue(size >= SMALL.segmentBytes() && size < SMALL.segmentBytes() + SegmentFormat.MAX_RECORD_BYTES,
                        segment + " has " + size + " bytes");
            }
        }
    }

    @Test
    void aCleanSegment_reportsNothingSkipped() throws IOException {
        SegmentRead read = ClickSpill.read(writeSegment(FIVE));

        assertEquals(new SegmentRead(FIVE, 0, 0, false), read);
    }

    @Test
    void roll_sealsTheActiveSegment_soItIsListedForReplay() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
            appendAll(spill, FIVE);
            assertEquals(List.of(), spill.sealedSegments());

            spill.roll();

            assertEquals(1, spill.sealedSegments().size());
            assertEquals(FIVE, ClickSpill.read(spill.sealedSegments().getFirst()).clicks());
        }
    }

    @Test
    void roll_withNothingAppended_createsNoSegment() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
            appendAll(spill, FIVE);
            spill.roll();

            spill.roll();
            spill.sync();

            assertEquals(1, spill.sealedSegments().size());
            assertEquals(spill.sealedSegments(), segmentFilesIn(dir));
        }
    }

    @Test
    void sync_writesEveryAppendedClickToTheFile_beforeAnyRoll() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
            appendAll(spill, FIVE);

            spill.sync();

            Path active = segmentFilesIn(dir).getFirst();
            assertEquals(FIVE, ClickSpill.read(active).clicks());
        }
    }

    @Test
    void sealedSegments_areOrderedBySequenceNumber_notByModificationTime() throws IOException {
        List<Path> oldestFirst;
        try (ClickSpill spill = ClickSpill.open(dir, SMALL)) {
            appendAll(spill, clicks(0, 40));
            spill.roll();
            oldestFirst = spill.sealedSegments();
        }
        for (int i = 0; i < oldestFirst.size(); i++) {
            // The oldest segment gets the newest time.
            Files.setLastModifiedTime(oldestFirst.get(i), FileTime.fromMillis(1_000_000L * (oldestFirst.size() - i)));
        }

        try (ClickSpill reopened = ClickSpill.open(dir, SMALL)) {
            assertEquals(oldestFirst, reopened.sealedSegments());
        }
    }

    // --- torn tails and corruption ---

    @ParameterizedTest(name = "{0} bytes of the last record kept")
    @MethodSource("everyCutOfTheLastRecord")
    void read_ofASegmentCutInItsLastRecord_returnsEveryEarlierRecordOnce_andReportsATornTail(int keptBytes)
            throws IOException {
        Path segment = writeSegment(FIVE);
        truncate(segment, recordStart(FIVE, 4) + keptBytes);

        SegmentRead read = ClickSpill.read(segment);

        assertEquals(new SegmentRead(FIVE.subList(0, 4), 0, keptBytes, true), read);
    }

    @Test
    void read_ofASegmentCutBetweenRecords_isNotTorn() throws IOException {
        Path segment = writeSegment(FIVE);
        truncate(segment, recordStart(FIVE, 4));

        assertEquals(new SegmentRead(FIVE.subList(0, 4), 0, 0, false), ClickSpill.read(segment));
    }

    @ParameterizedTest(name = "byte {0} of the record, in its {1}")
    @MethodSource("everyByteOfTheMiddleRecord")
    void read_ofAFlippedByte_losesOnlyTheRecordItTouches(int offset, String field) throws IOException {
        Path segment = writeSegment(FIVE);
        flip(segment, recordStart(FIVE, MIDDLE) + offset);

        SegmentRead read = ClickSpill.read(segment);

        List<Click> others = new ArrayList<>(FIVE);
        others.remove(MIDDLE);
        assertEquals(new SegmentRead(others, 1, recordBytes(FIVE.get(MIDDLE)), false), read);
    }

    @Test
    void read_ofAFlippedByteInTheLastRecord_reportsCorruption_notATornTail() throws IOException {
        Path segment = writeSegment(FIVE);
        flip(segment, recordStart(FIVE, 4) + SegmentFormat.RECORD_OVERHEAD + 3);

        SegmentRead read = ClickSpill.read(segment);

        assertEquals(new SegmentRead(FIVE.subList(0, 4), 1, recordBytes(FIVE.get(4)), false), read);
    }

    @Test
    void read_ofTwoDamagedRegions_countsBoth_andKeepsTheRecordBetweenThem() throws IOException {
        Path segment = writeSegment(FIVE);
        flip(segment, recordStart(FIVE, 1));
        flip(segment, recordStart(FIVE, 3) + 1);

        SegmentRead read = ClickSpill.read(segment);

        assertEquals(List.of(FIVE.get(0), FIVE.get(2), FIVE.get(4)), read.clicks());
        assertEquals(2, read.corruptRegions());
    }

    @ParameterizedTest(name = "{0} header bytes kept")
    @MethodSource("everyCutOfTheHeader")
    void read_ofATornHeader_isATornTail_notAnError(int keptBytes) throws IOException {
        Path segment = writeSegment(FIVE);
        truncate(segment, keptBytes);

        assertEquals(new SegmentRead(List.of(), 0, keptBytes, true), ClickSpill.read(segment));
    }

    @Test
    void read_ofAnEmptyFile_findsNothing_andNothingTorn() throws IOException {
        Path segment = writeSegment(FIVE);
        truncate(segment, 0);

        assertEquals(new SegmentRead(List.of(), 0, 0, false), ClickSpill.read(segment));
    }

    @Test
    void read_ofAHeaderWithoutRecords_findsNothing_andNothingTorn() throws IOException {
        Path segment = writeSegment(FIVE);
        truncate(segment, HEADER);

        assertEquals(new SegmentRead(List.of(), 0, 0, false), ClickSpill.read(segment));
    }

    @Test
    void read_refusesAnUnknownFormatVersion_namingIt() throws IOException {
        Path segment = writeSegment(FIVE);
        overwrite(segment, SegmentFormat.MAGIC.length, (byte) 2);

        IOException e = assertThrows(IOException.class, () -> ClickSpill.read(segment));
        assertEquals("spill segment " + segment + " has format version 2, this reader knows version 1", e.getMessage());
    }

    @Test
    void read_refusesAFileThatIsNotASegment() throws IOException {
        Path file = dir.resolve("spill-00000000000000000000.log");
        Files.writeString(file, "hello");

        IOException e = assertThrows(IOException.class, () -> ClickSpill.read(file));
        assertEquals("spill segment " + file + " is not a spill segment: it starts with 0x68656c6c,"
                + " a segment with 0x534c5350 (\"SLSP\")", e.getMessage());
    }

    /**
     * Random clicks, random bytes changed, sometimes a random cut: whatever is read back is exactly
     * the records whose bytes are all there and unchanged, in order, once.
     */
    @Test
    void read_ofRandomlyDamagedSegments_returnsExactlyTheUntouchedRecords_inOrder() throws IOException {
        Random random = new Random(20_250_601);
        for (int run = 0; run < 200; run++) {
            List<Click> written = randomClicks(random, 1 + random.nextInt(30));
            Path segment = writeSegment(dir.resolve("run-" + run), written);
            byte[] original = Files.readAllBytes(segment);
            byte[] damaged = damage(random, original);
            Files.write(segment, damaged);

            List<Click> untouched = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) {
                int start = recordStart(written, i);
                int end = start + recordBytes(written.get(i));
                if (end <= damaged.length && Arrays.equals(original, start, end, damaged, start, end)) {
                    untouched.add(written.get(i));
                }
            }
            assertEquals(untouched, ClickSpill.read(segment).clicks(), "run " + run);
        }
    }

    // --- the bound ---

    @Test
    void append_refusesAClick_thatWouldPassMaxBytes_andChangesNothing() throws IOException {
        SpillConfig config = SMALL.withMaxBytes(SMALL.segmentBytes() * 3);
        try (ClickSpill spill = ClickSpill.open(dir, config)) {
            int accepted = appendUntilRefused(spill, clicks(0, 1_000));
            long bytes = spill.bytes();
            List<Path> segments = spill.sealedSegments();

            assertFalse(spill.append(clicks(accepted, 1).getFirst()));

            assertTrue(bytes <= config.maxBytes(), "bytes " + bytes);
            assertTrue(bytes + recordBytes(clicks(accepted, 1).getFirst()) > config.maxBytes(), "bytes " + bytes);
            assertEquals(bytes, spill.bytes());
            assertEquals(segments, spill.sealedSegments());
        }
    }

    @Test
    void append_countsTheHeaderOfTheSegmentItWouldBegin() throws IOException {
        List<Click> fillASegment = clicks(0, 3);
        Click next = clicks(3, 1).getFirst();
        long full = recordStart(fillASegment, 3);
        long withNext = full + HEADER + recordBytes(next);
        SpillConfig config = new SpillConfig(withNext, SpillConfig.MIN_SEGMENT_BYTES);
        assertTrue(full >= config.segmentBytes(), "the first segment is full");

        try (ClickSpill oneByteShort = ClickSpill.open(dir.resolve("short"), config.withMaxBytes(withNext - 1))) {
            appendAll(oneByteShort, fillASegment);
            assertFalse(oneByteShort.append(next));
        }
        try (ClickSpill exact = ClickSpill.open(dir.resolve("exact"), config)) {
            appendAll(exact, fillASegment);
            assertTrue(exact.append(next));
            assertEquals(config.maxBytes(), exact.bytes());
        }
    }

    @Test
    void append_acceptsAgain_afterASegmentIsDeleted() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SMALL.withMaxBytes(SMALL.segmentBytes() * 3))) {
            int accepted = appendUntilRefused(spill, clicks(0, 1_000));

            spill.delete(spill.sealedSegments().getFirst());

            assertTrue(spill.append(clicks(accepted, 1).getFirst()));
        }
    }

    @Test
    void bytes_countsEverySegmentOnDisk_theActiveOneIncluded() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SMALL)) {
            assertEquals(0, spill.bytes());

            appendAll(spill, clicks(0, 30));
            spill.sync();
            assertEquals(segmentBytesOnDisk(), spill.bytes());

            spill.roll();
            assertEquals(segmentBytesOnDisk(), spill.bytes());

            spill.delete(spill.sealedSegments().getFirst());
            assertEquals(segmentBytesOnDisk(), spill.bytes());
        }
        try (ClickSpill reopened = ClickSpill.open(dir, SMALL)) {
            assertEquals(segmentBytesOnDisk(), reopened.bytes());

            for (Path segment : reopened.sealedSegments()) {
                reopened.delete(segment);
            }
            assertEquals(0, reopened.bytes());
        }
    }

    @Test
    void bytes_countTheHeaderAndEachRecord_beforeTheyAreWrittenOut() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
            appendAll(spill, FIVE);

            assertEquals(recordStart(FIVE, FIVE.size()), spill.bytes());
        }
    }

    // --- crashes, reopening, ownership ---

    @Test
    void open_afterACrash_findsTheOldSegmentSealed_andAppendsToANewOne() throws IOException {
        Path image = dir.resolve("after-crash");
        try (ClickSpill crashed = ClickSpill.open(dir.resolve("before-crash"), SMALL)) {
            appendAll(crashed, clicks(0, 30));
            crashed.sync();
            copyAsACrashLeavesIt(dir.resolve("before-crash"), image);
        }

        try (ClickSpill spill = ClickSpill.open(image, SMALL)) {
            List<Path> found = spill.sealedSegments();
            assertEquals(clicks(0, 30), readAll(found));

            appendAll(spill, clicks(30, 1));
            spill.roll();

            assertEquals(found, spill.sealedSegments().subList(0, found.size()));
            assertEquals(clicks(0, 31), readAll(spill.sealedSegments()));
        }
    }

    @Test
    void open_afterACrashMidRecord_keepsTheHalfWrittenSegment_andReadSkipsItsTornTail() throws IOException {
        Path image = dir.resolve("after-crash");
        try (ClickSpill crashed = ClickSpill.open(dir.resolve("before-crash"), SpillConfig.defaults())) {
            appendAll(crashed, FIVE);
            crashed.sync();
            copyAsACrashLeavesIt(dir.resolve("before-crash"), image);
        }
        Path halfWritten = segmentFilesIn(image).getFirst();
        truncate(halfWritten, recordStart(FIVE, 4) + 3);

        try (ClickSpill spill = ClickSpill.open(image, SpillConfig.defaults())) {
            assertEquals(List.of(halfWritten), spill.sealedSegments());
            assertEquals(new SegmentRead(FIVE.subList(0, 4), 0, 3, true), ClickSpill.read(halfWritten));
        }
    }

    @Test
    void close_sealsTheActiveSegment_soTheNextOpenListsIt() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
            appendAll(spill, FIVE);
        }

        try (ClickSpill reopened = ClickSpill.open(dir, SpillConfig.defaults())) {
            assertEquals(FIVE, readAll(reopened.sealedSegments()));
        }
    }

    @Test
    void open_refusesADirectory_thatAnotherSpillHolds() throws IOException {
        try (ClickSpill owner = ClickSpill.open(dir, SpillConfig.defaults())) {
            IOException e = assertThrows(IOException.class, () -> ClickSpill.open(dir, SpillConfig.defaults()));

            assertEquals("spill directory " + dir + " is in use by another ClickSpill (" + dir.resolve("spill.lock")
                    + " is locked): a directory has one owner", e.getMessage());
        }
    }

    @Test
    void open_succeeds_onceTheOwnerClosed() throws IOException {
        ClickSpill.open(dir, SpillConfig.defaults()).close();

        try (ClickSpill next = ClickSpill.open(dir, SpillConfig.defaults())) {
            assertEquals(List.of(), next.sealedSegments());
        }
    }

    @Test
    void open_createsTheDirectory() throws IOException {
        Path nested = dir.resolve("a").resolve("b");

        try (ClickSpill spill = ClickSpill.open(nested, SpillConfig.defaults())) {
            assertTrue(Files.isDirectory(nested));
        }
    }

    @Test
    void delete_refusesTheActiveSegment() throws IOException {
        try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
            appendAll(spill, FIVE);
            Path active = dir.resolve(SegmentFormat.fileName(0));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spill.delete(active));
            assertEquals(active + " is not a sealed segment of this spill but the active one: roll() seals it",
                    e.getMessage());
        }
    }

    @Test
    void append_afterClose_isRefused() throws IOException {
        ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults());
        spill.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> spill.append(FIVE.getFirst()));
        assertEquals("spill " + dir + " is closed", e.getMessage());
    }

    // --- fixtures ---

    static Stream<Arguments> everyCutOfTheLastRecord() {
        return IntStream.range(1, recordBytes(FIVE.get(4))).mapToObj(Arguments::of);
    }

    static Stream<Arguments> everyByteOfTheMiddleRecord() {
        return IntStream.range(0, recordBytes(FIVE.get(MIDDLE))).mapToObj(offset -> Arguments.of(offset,
                offset == 0 ? "marker" : offset == 1 ? "length" : offset < SegmentFormat.RECORD_OVERHEAD ? "crc" : "value"));
    }

    static Stream<Arguments> everyCutOfTheHeader() {
        return IntStream.range(1, HEADER).mapToObj(Arguments::of);
    }

    /** Clicks with distinct ids, times and codes of growing length ({@code c0}, ..., {@code c1000}). */
    private static List<Click> clicks(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> new Click(new UUID(0x0197_2B5C_EE7B_7000L, 0x8000_0000_0000_0000L | i),
                        new ShortCode("c" + i), Instant.ofEpochMilli(1_748_779_200_123L + i)))
                .toList();
    }

    private static List<Click> randomClicks(Random random, int count) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        List<Click> clicks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder code = new StringBuilder();
            for (int length = 1 + random.nextInt(ShortCode.MAX_LENGTH); code.length() < length; ) {
                code.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            clicks.add(new Click(new UUID(random.nextLong(), random.nextLong()), new ShortCode(code.toString()),
                    Instant.ofEpochMilli(random.nextLong())));
        }
        return clicks;
    }

    /** Changes one to four random bytes after the header, and cuts the file at a random length one time in three. */
    private static byte[] damage(Random random, byte[] segment) {
        byte[] damaged = segment.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            damaged[HEADER + random.nextInt(damaged.length - HEADER)] ^= (byte) (1 + random.nextInt(255));
        }
        int length = random.nextInt(3) == 0 ? HEADER + random.nextInt(damaged.length - HEADER + 1) : damaged.length;
        return Arrays.copyOf(damaged, length);
    }

    private Path writeSegment(List<Click> clicks) throws IOException {
        return writeSegment(dir.resolve("segment"), clicks);
    }

    /** One sealed segment holding {@code clicks}. */
    private static Path writeSegment(Path spillDir, List<Click> clicks) throws IOException {
        try (ClickSpill spill = ClickSpill.open(spillDir, SpillConfig.defaults())) {
            appendAll(spill, clicks);
            spill.roll();
            return spill.sealedSegments().getFirst();
        }
    }

    private static void appendAll(ClickSpill spill, List<Click> clicks) throws IOException {
        for (Click click : clicks) {
            assertTrue(spill.append(click), "appended " + click);
        }
    }

    /** Appends until the spill refuses one; returns how many it accepted. */
    private static int appendUntilRefused(ClickSpill spill, List<Click> clicks) throws IOException {
        int accepted = 0;
        while (accepted < clicks.size() && spill.append(clicks.get(accepted))) {
            accepted++;
        }
        assertTrue(accepted < clicks.size(), "the spill took all " + clicks.size());
        return accepted;
    }

    private static List<Click> readAll(List<Path> segments) throws IOException {
        List<Click> clicks = new ArrayList<>();
        for (Path segment : segments) {
            SegmentRead read = ClickSpill.read(segment);
            assertEquals(0, read.skippedBytes(), segment + " skipped bytes");
            clicks.addAll(read.clicks());
        }
        return clicks;
    }

    private static int recordBytes(Click click) {
        return SegmentFormat.recordBytes(ClickCodec.encode(click));
    }

    /** Where record {@code index} of a segment holding {@code clicks} starts; its end for index == size. */
    private static int recordStart(List<Click> clicks, int index) {
        return HEADER + clicks.subList(0, index).stream().mapToInt(ClickSpillTest::recordBytes).sum();
    }

    /**
     * What a killed process leaves: the files as they are. The OS lock goes with the process, so
     * copying them elsewhere while the owner still runs is that crash, minus the kill.
     */
    private static void copyAsACrashLeavesIt(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
            for (Path file : files) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static List<Path> segmentFilesIn(Path spillDir) throws IOException {
        try (Stream<Path> files = Files.list(spillDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    private long segmentBytesOnDisk() throws IOException {
        long bytes = 0;
        for (Path segment : segmentFilesIn(dir)) {
            bytes += Files.size(segment);
        }
        return bytes;
    }

    private static void truncate(Path file, long length) throws IOException {
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), Math.toIntExact(length)));
    }

    private static void flip(Path file, int offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        overwrite(file, offset, (byte) ~bytes[offset]);
    }

    private static void overwrite(Path file, int offset, byte value) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset] = value;
        Files.write(file, bytes);
    }
}
