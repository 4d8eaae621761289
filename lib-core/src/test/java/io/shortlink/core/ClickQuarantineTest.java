package io.shortlink.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ClickQuarantineTest {
    private static final UUID ID = UUID.fromString("01937a2b-0000-7000-8000-000000000001");

    @Test
    void toFile_appendsOneJsonLinePerBatch_creatingDirectories(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quarantine/clicks.jsonl");
        ClickQuarantine quarantine = ClickQuarantine.toFile(file);
        ClickBatch batch = new ClickBatch(ID, List.of(new ClickCount(new ShortCode("abc1234"), 29_000_000, 2),
                new ClickCount(new ShortCode("x9-_"), 29_000_001, 1)));

        quarantine.quarantine(batch, new SQLException("Data too long"));
        quarantine.quarantine(batch, new SQLException("again"));

        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.getFirst().matches("\\{\"at\":\"[^\"]+\",\"batch\":\"" + ID + "\",\"clicks\":3,"
                + "\"cause\":\"java.sql.SQLException: Data too long\","
                + "\"counts\":\\[\\[\"abc1234\",29000000,2],\\[\"x9-_\",29000001,1]]}"), lines.getFirst());
    }

    @Test
    void causes_areEscapedAsJsonStrings() {
        ClickBatch batch = new ClickBatch(ID, List.of(new ClickCount(new ShortCode("abc1234"), 1, 1)));

        String line = FileQuarantine.line(java.time.Instant.EPOCH, batch,
                new IllegalStateException("a \"quoted\" \\ line\nbreak\u0001"));

        assertTrue(line.contains("\"cause\":\"java.lang.IllegalStateException: a \\\"quoted\\\" \\\\ line\\nbreak\\u0001\""),
                line);
    }
}
