package io.shortlink.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a click sender sets aside a batch that its ledger refused for good
 * ({@link ClickBatchRejectedException}), so that it never blocks the clicks behind it. What is
 * set aside is kept, not lost: an operator can read it, fix the cause and apply it again.
 *
 * <p>Contract: thread-safe; called from a sender's own thread, never on a request path. Throws
 * {@link UncheckedIOException} when it cannot keep the batch; the sender then logs the batch in
 * full as the last resort.
 */
public interface ClickQuarantine {

    /** Keeps {@code batch}, refused because of {@code cause}. */
    void quarantine(ClickBatch batch, Throwable cause);

    /**
     * Appends one JSON line per batch to {@code file} (created with its directories), forced to
     * disk before returning:
     * <pre>{"at":"2026-11-29T12:00:00Z","batch":"0193...","clicks":3,"cause":"...","counts":[["abc1234",29000000,2],["x9",29000001,1]]}</pre>
     * {@code counts} holds {@code [code, epochMinute, clicks]} triples.
     */
    static ClickQuarantine toFile(Path file) {
        return new FileQuarantine(file);
    }

    /** Logs each batch in full (one WARNING line): for embedding without a place to write files. */
    static ClickQuarantine toLog() {
        return (batch, cause) -> System.getLogger(ClickQuarantine.class.getName()).log(System.Logger.Level.WARNING,
                () -> "event=click_batch_quarantined " + FileQuarantine.line(Instant.now(), batch, cause).strip());
    }
}

/** {@link ClickQuarantine#toFile}: one forced JSON line per batch; appends are serialised. */
final class FileQuarantine implements ClickQuarantine {
    private final Path file;

    FileQuarantine(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    @Override
    public synchronized void quarantine(ClickBatch batch, Throwable cause) {
        byte[] line = line(Instant.now(), batch, cause).getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the click quarantine " + file, e);
        }
    }

    static String line(Instant at, ClickBatch batch, Throwable cause) {
        StringBuilder out = new StringBuilder(96 + batch.counts().size() * 32);
        out.append("{\"at\":\"").append(at).append("\",\"batch\":\"").append(batch.id())
                .append("\",\"clicks\":").append(batch.clicks()).append(",\"cause\":");
        appendJsonString(out, cause == null ? "" : cause.getClass().getName() + ": " + cause.getMessage());
        out.append(",\"counts\":[");
        for (int i = 0; i < batch.counts().size(); i++) {
            ClickCount c = batch.counts().get(i);
            // A code is [A-Za-z0-9_-]: nothing to escape.
            out.append(i == 0 ? "" : ",").append("[\"").append(c.code().value()).append("\",")
                    .append(c.epochMinute()).append(',').append(c.clicks()).append(']');
        }
        return out.append("]}\n").toString();
    }

    private static void appendJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }
}
