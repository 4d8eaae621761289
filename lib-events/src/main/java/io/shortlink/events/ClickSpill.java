package io.shortlink.events;

import io.shortlink.core.Click;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * An append-only, segmented, size-bounded log of clicks in a local directory: where a Kafka
 * sink puts the clicks Kafka cannot take, and replays them from, with their event ids, once it can.
 *
 * <pre>{@code
 * try (ClickSpill spill = ClickSpill.open(dir, SpillConfig.defaults())) {
 *     if (!spill.append(click)) { dropped++; }        // full: the caller drops and counts
 *     spill.sync();                                     // when the owner's durability policy says
 *     spill.roll();                                     // Kafka is back: seal what there is, then
 *     for (Path segment : spill.sealedSegments()) {     // oldest first
 *         send(ClickSpill.read(segment).clicks());
 *         spill.delete(segment);
 *     }
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 * <li><b>Not thread-safe.</b> One owner thread calls every method, {@link #bytes()} included (a
 *     gauge reads a figure the owner publishes). {@link #read(Path)} is static and stateless: any
 *     thread may read a sealed segment.
 * <li><b>One owner per directory.</b> {@link #open} locks {@code spill.lock} in the directory and
 *     refuses a directory another {@code ClickSpill}, in this process or another, holds.
 * <li><b>Segments.</b> Appends go to the active segment, created with the first append after an
 *     open or a seal. It is sealed by the first append that finds it has reached
 *     {@link SpillConfig#segmentBytes()}, by {@link #roll()} and by {@link #close()}, so a segment
 *     this spill seals is never empty of records; only sealed segments are listed for replay, oldest
 *     first by the sequence number in their name. Segments found by {@link #open}, left by an
 *     earlier run or a crash, are sealed as they are, a half-written last record included.
 * <li><b>Durability.</b> {@link #append} only buffers: a process crash may lose what was appended
 *     since the last {@link #sync()}, an OS crash what was not synced. {@code sync()} writes the
 *     buffer out and forces it to disk ({@code FileChannel.force(false)}, and the directory after
 *     a new segment). The owner decides when: every few milliseconds when clicks are buffered
 *     anyway, before acknowledging when a caller waits for an acknowledgement. Sealing syncs, so
 *     a segment this spill sealed is whole on disk; that costs one fsync per segment.
 * <li><b>Bound.</b> {@link #bytes()} counts every segment in the directory, the active one with
 *     its buffered bytes. {@code append} refuses a click that would take it past
 *     {@link SpillConfig#maxBytes()}; {@link #delete} makes room again.
 * <li><b>Replay repeats, never invents.</b> A segment deleted just before a crash may come back
 *     (deletes are not synced) and a segment replayed but not yet deleted will be replayed again:
 *     the ledger dedupes by event id. What reading cannot vouch for it skips and counts.
 * </ul>
 *
 * <h2>Format, version 1</h2>
 * A segment is a file {@code spill-<seq>.log}, {@code seq} a decimal sequence number zero-padded
 * to 20 digits, higher than that of every segment begun before it. Big-endian:
 * <pre>
 * offset  size  field
 * header, once:
 *      0     4  magic, "SLSP" (0x534C5350)
 *      4     1  format version, 1
 * then records, each:
 *     +0     1  marker, 0xA5
 *     +1     1  n, the click value's length, 1..90
 *     +2     4  CRC32C over the length byte and the value (bytes +1 and +6 .. +5+n)
 *     +6     n  the click value, {@link ClickCodec#encode(Click)}
 * </pre>
 * A click of a 7-character code takes 6 + 33 = 39 bytes. A new layout gets a new version byte.
 *
 * <p>{@link #read(Path)} returns every record whose marker, length, CRC and value all check, in
 * order, each once. Where a record does not check, it looks one byte further at a time for the
 * next position where a whole valid record starts, and counts the bytes in between as one corrupt
 * region: a flipped byte costs the record it touches and no other. A file that ends in the
 * beginning of a record (its marker, and a length reaching past the end) or of the header is a
 * torn tail, what a crash in the middle of a write leaves. Reading throws for I/O errors and for
 * a header it does not know (not {@code SLSP}, or another version), never for a damaged record:
 * a replay cannot loop on one. A segment that throws for its header is not this format; the
 * owner sets it aside rather than retry it.
 */
public final class ClickSpill implements Closeable {
    private static final String LOCK_FILE = "spill.lock";

    /** One write(2) per about 1,700 clicks of a 7-character code. */
    private static final int BUFFER_BYTES = 64 << 10;

    private final Path dir;
    private final SpillConfig config;
    /** Open for as long as this spill is: closing it releases the directory's lock. */
    private final FileChannel lock;
    /** Path to size in bytes, oldest first. */
    private final SequencedMap<Path, Long> sealed;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();
    private long sealedBytes;
    private long nextSequence;

    /** Null between a seal and the next append, so that no segment is ever empty of records. */
    private FileChannel active;
    private Path activePath;
    /** Header and records, whether written out or still in the buffer. */
    private long activeBytes;
    private boolean activeUnsynced;
    private boolean dirUnsynced;
    private boolean closed;

    private ClickSpill(Path dir, SpillConfig config, FileChannel lock, SequencedMap<Path, Long> sealed,
            long nextSequence) {
        this.dir = dir;
        this.config = config;
        this.lock = lock;
        this.sealed = sealed;
        this.sealedBytes = sealed.values().stream().mapToLong(Long::longValue).sum();
        this.nextSequence = nextSequence;
    }

    /**
     * Opens the spill in {@code dir}, creating the directory if need be, and takes its lock. The
     * segments already there are sealed, awaiting replay; appends go to a new segment after them.
     *
     * @throws IOException if another {@code ClickSpill} holds the directory, or on an I/O error
     */
    public static ClickSpill open(Path dir, SpillConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        Files.createDirectories(dir);
        FileChannel lock = lock(dir);
        try {
            TreeMap<Long, Path> bySequence = segmentsIn(dir);
            SequencedMap<Path, Long> sealed = new LinkedHashMap<>();
            for (Path segment : bySequence.values()) {
                sealed.put(segment, Files.size(segment));
            }
            long nextSequence = bySequence.isEmpty() ? 0 : bySequence.lastKey() + 1;
            return new ClickSpill(dir, config, lock, sealed, nextSequence);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Appends {@code click} to the active segment's buffer; see the class's contract for when it
     * reaches the disk. First seals the active segment, with an fsync, if it has reached
     * {@link SpillConfig#segmentBytes()}.
     *
     * @return false, having changed nothing, if the click would take {@link #bytes()} past
     *         {@link SpillConfig#maxBytes()}: the caller drops it and counts it
     * @throws IOException              if the click could not be kept (it was not)
     * @throws IllegalArgumentException if the click's time does not fit {@link ClickCodec}
     * @throws IllegalStateException    if this spill is closed
     */
    public boolean append(Click click) throws IOException {
        ensureOpen();
        byte[] value = ClickCodec.encode(click);
        int recordBytes = SegmentFormat.recordBytes(value);
        boolean full = active != null && activeBytes >= config.segmentBytes();
        boolean beginsSegment = active == null || full;
        if (bytes() + recordBytes + (beginsSegment ? SegmentFormat.HEADER_BYTES : 0) > config.maxBytes()) {
            return false;
        }
        // Sealing here rather than right after the append that fills the segment keeps this
        // method's promise simple: when it throws, the click was not kept.
        if (full) {
            seal();
        }
        if (beginsSegment) {
            begin();
        }
        if (buffer.remaining() < recordBytes) {
            writeBuffer();
        }
        SegmentFormat.putRecord(buffer, crc, value);
        activeBytes += recordBytes;
        activeUnsynced = true;
        return true;
    }

    /**
     * Makes every click appended so far durable: writes the buffer out and forces the active
     * segment, and the directory if a segment was created since the last sync. Returns at once
     * when nothing was appended since.
     *
     * @throws IllegalStateException if this spill is closed
     */
    public void sync() throws IOException {
        ensureOpen();
        if (activeUnsynced) {
            writeBuffer();
            active.force(false);
            activeUnsynced = false;
        }
        if (dirUnsynced) {
            forceDirectory();
            dirUnsynced = false;
        }
    }

    /**
     * Seals the active segment, synced, so that {@link #sealedSegments()} lists it; the next
     * append begins a new one. Does nothing when no click was appended since the last seal.
     *
     * @throws IllegalStateException if this spill is closed
     */
    public void roll() throws IOException {
        ensureOpen();
        if (active != null) {
            seal();
        }
    }

    /**
     * The sealed segments awaiting replay, oldest first by the sequence number in their names
     * (never by modification time, which a copy or a clock step can change). A snapshot.
     */
    public List<Path> sealedSegments() {
        return List.copyOf(sealed.sequencedKeySet());
    }

    /**
     * Reads a segment: every intact record in order, and what was skipped. Stateless; see the
     * class's description of the format for what counts as intact, corrupt and torn.
     *
     * @throws IOException on an I/O error, or naming what it found if the file does not start
     *                     with a header of a version this reader knows
     */
    public static SegmentRead read(Path segment) throws IOException {
        return SegmentFormat.read(segment);
    }

    /**
     * Deletes a sealed segment, once its clicks were delivered, and makes its bytes available
     * to {@link #append} again. Not synced: after an OS crash the segment may be back, and its
     * clicks are replayed a second time.
     *
     * @throws IllegalArgumentException if {@code segment} is not one of {@link #sealedSegments()}
     * @throws IllegalStateException    if this spill is closed
     */
    public void delete(Path segment) throws IOException {
        ensureOpen();
        Long segmentBytes = sealed.get(segment);
        if (segmentBytes == null) {
            throw new IllegalArgumentException(segment + " is not a sealed segment of this spill"
                    + (segment.equals(activePath) ? " but the active one: roll() seals it" : ""));
        }
        Files.deleteIfExists(segment);
        sealed.remove(segment);
        sealedBytes -= segmentBytes;
    }

    /** Bytes of all segments in the directory, the active one with its buffered bytes included. */
    public long bytes() {
        return sealedBytes + activeBytes;
    }

    /**
     * Seals the active segment (with an fsync, so a clean shutdown loses nothing) and releases
     * the directory. Does nothing the second time.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            roll();
        } finally {
            closed = true;
            try {
                if (active != null) {
                    active.close();
                }
            } finally {
                lock.close();
            }
        }
    }

    private static FileChannel lock(Path dir) throws IOException {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // The lock is this process's already: a ClickSpill here has the directory open.
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        channel.close();
        throw new IOException("spill directory " + dir + " is in use by another ClickSpill (" + lockFile
                + " is locked): a directory has one owner");
    }

    private static TreeMap<Long, Path> segmentsIn(Path dir) throws IOException {
        TreeMap<Long, Path> bySequence = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                OptionalLong sequence = SegmentFormat.sequenceOf(file);
                if (sequence.isPresent()) {
                    bySequence.put(sequence.getAsLong(), file);
                }
            }
        }
        return bySequence;
    }

    private void begin() throws IOException {
        // The number is spent before the file is tried: a retry after a failure gets a new one.
        Path path = dir.resolve(SegmentFormat.fileName(nextSequence++));
        active = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        activePath = path;
        dirUnsynced = true;
        SegmentFormat.putHeader(buffer);
        activeBytes = SegmentFormat.HEADER_BYTES;
    }

    private void writeBuffer() throws IOException {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                active.write(buffer);
            }
        } finally {
            // Keeps what a failed write left unwritten, for the next attempt.
            buffer.compact();
        }
    }

    private void seal() throws IOException {
        sync();
        active.close();
        sealed.put(activePath, activeBytes);
        sealedBytes += activeBytes;
        active = null;
        activePath = null;
        activeBytes = 0;
    }

    /** A new file's name is durable only once its directory is (fsync of the directory, on Linux). */
    private void forceDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("spill " + dir + " is closed");
        }
    }
}
