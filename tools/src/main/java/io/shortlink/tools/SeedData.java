package io.shortlink.tools;

import io.shortlink.core.CodeGenerator;
import io.shortlink.server.StackDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a stack's database with links for load tests, in bulk, and writes their codes in rank
 * order (line 1 is the most popular under the load runners' Zipf draw).
 *
 * <pre>java -cp shortlink-tools.jar:shortlink-server.jar io.shortlink.tools.SeedData [--stack phase1] [--links 100000] [--codes build/seed/codes.txt]</pre>
 *
 * Run it through {@code scripts/seed-data}. It writes directly to the database (the server may be
 * running: new codes are not in its cache yet, so they cost one lookup each), in batches of 5,000
 * per transaction with the links counter kept exact.
 */
public final class SeedData {
    private static final int BATCH = 5_000;

    private SeedData() {
    }

    public static void main(String[] args) throws Exception {
        String stack = "phase1";
        int links = 100_000;
        Path codesFile = Path.of("build", "seed", "codes.txt");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stack" -> stack = args[++i];
                case "--links" -> links = Integer.parseInt(args[++i]);
                case "--codes" -> codesFile = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--stack embedded|phase1] [--links N] [--codes FILE]");
            }
        }
        if (links < 1 || links > 50_000_000) {
            throw new IllegalArgumentException("--links must be 1..50,000,000, was " + links);
        }
        long started = System.nanoTime();
        List<String> codes;
        try (StackDatabase database = StackDatabase.open(stack)) {
            codes = insert(database, links);
        }
        Files.createDirectories(codesFile.toAbsolutePath().getParent());
        Files.write(codesFile, codes);
        System.out.printf("seeded links=%d stack=%s seconds=%.1f codes_file=%s%n",
                codes.size(), stack, (System.nanoTime() - started) / 1e9, codesFile);
    }

    private static List<String> insert(StackDatabase database, int links) throws SQLException, IOException {
        CodeGenerator generator = CodeGenerator.secure(database.codeLength());
        List<String> all = new ArrayList<>(links);
        long createdAt = System.currentTimeMillis();
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(StackDatabase.INSERT_LINK);
                 PreparedStatement count = c.prepareStatement(
                         "UPDATE counters SET total = total + ? WHERE name = 'links' AND slot = 0")) {
                while (all.size() < links) {
                    int n = Math.min(BATCH, links - all.size());
                    List<String> batch = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        String code = generator.next().value();
                        batch.add(code);
                        insert.setString(1, code);
                        insert.setString(2, "https://example.org/seed/" + (all.size() + i));
                        insert.setLong(3, createdAt);
                        insert.setObject(4, null);
                        insert.addBatch();
                    }
                    try {
                        insert.executeBatch();
                        count.setLong(1, n);
                        count.executeUpdate();
                        c.commit();
                        all.addAll(batch);
                    } catch (BatchUpdateException e) {
                        // A drawn code was already in use (p ~ 1e-6 per code at 3M links): drop
                        // the batch and draw it again.
                        c.rollback();
                        insert.clearBatch();
                    }
                }
            }
        }
        return all;
    }
}
