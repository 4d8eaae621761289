package io.shortlink.tools;

import io.helidon.dbclient.DbClient;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickStats;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import io.shortlink.core.jdbc.JdbcClickLedger;
import io.shortlink.server.StackDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Times every statement the service issues, one at a time over the pool the server uses (DbClient
 * for the request path, JDBC batches for the ledger), and prints p50/p99/max per statement beside
 * the baseline: a {@code SELECT 1} round trip on the same path. Not a test: a measurement
 * (shared/PERF.md), run by {@code scripts/query-timing} after {@code scripts/seed-data}.
 *
 * <pre>java -cp shortlink-tools.jar:shortlink-server.jar io.shortlink.tools.QueryTiming [--stack phase1] [--codes build/seed/codes.txt] [--iterations 5000]</pre>
 */
public final class QueryTiming {

    private QueryTiming() {
    }

    public static void main(String[] args) throws Exception {
        String stack = "phase1";
        Path codesFile = Path.of("build", "seed", "codes.txt");
        int iterations = 5_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stack" -> stack = args[++i];
                case "--codes" -> codesFile = Path.of(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String[] codes = Files.readAllLines(codesFile).stream().filter(s -> !s.isBlank()).toArray(String[]::new);
        if (codes.length == 0) {
            throw new IllegalStateException(codesFile + " has no codes: run scripts/seed-data first");
        }
        SplittableRandom random = new SplittableRandom(42);
        long nowMinute = Instant.now().getEpochSecond() / 60;
        try (StackDatabase database = StackDatabase.open(stack)) {
            DbClient db = database.dbClient();
            LinkStore store = database.links();
            ClickStats stats = database.stats();
            JdbcClickLedger ledger = database.ledger();
            List<Row> rows = new ArrayList<>();
            rows.add(time("baseline: SELECT 1 (DbClient)", iterations,
                    i -> db.execute().get("SELECT 1 AS one").orElseThrow()));
            rows.add(time("redirect lookup / metadata (links by code)", iterations,
                    i -> store.find(new ShortCode(codes[random.nextInt(codes.length)]))));
            rows.add(time("link total (link_clicks by PK)", iterations,
                    i -> stats.totalClicks(new ShortCode(codes[random.nextInt(codes.length)]))));
            rows.add(time("stats range, 24 h of minutes (rollups by PK)", iterations,
                    i -> stats.minutes(new ShortCode(codes[random.nextInt(codes.length)]),
                            Instant.ofEpochSecond((nowMinute - 1_440) * 60), Instant.ofEpochSecond(nowMinute * 60))));
            rows.add(time("recent sums, 7 d (rollups by PK)", iterations,
                    i -> stats.sumsSince(new ShortCode(codes[random.nextInt(codes.length)]),
                            Instant.ofEpochSecond((nowMinute - 10_080) * 60), Instant.ofEpochSecond((nowMinute - 1_440) * 60))));
            rows.add(time("global totals (striped counters)", iterations, i -> stats.totals()));
            int batches = Math.max(20, iterations / 50);
            rows.add(time("ledger batch of 1,000 (link, minute) counts (batch id + rollup upserts + totals, 1 tx)",
                    batches, i -> {
                        java.util.TreeMap<ShortCode, Long> counts = new java.util.TreeMap<>();
                        for (int k = 0; k < 1_000; k++) {
                            counts.merge(new ShortCode(codes[random.nextInt(codes.length)]), 1L, Long::sum);
                        }
                        long minute = ClickCount.epochMinute(Instant.now());
                        ledger.apply(ClickBatch.of(counts.entrySet().stream()
                                .map(e -> new ClickCount(e.getKey(), minute, e.getValue())).toList()));
                    }));
            System.out.printf("| statement | n | p50 ms | p99 ms | max ms |%n|---|---|---|---|---|%n");
            for (Row row : rows) {
                System.out.printf("| %s | %d | %.3f | %.3f | %.3f |%n", row.name, row.n, row.p50, row.p99, row.max);
            }
            System.out.printf("%nstack=%s database=%s codes=%d iterations=%d (each after %d warm-up runs)%n",
                    stack, database.url(), codes.length, iterations, iterations / 5);
        }
    }

    private record Row(String name, int n, double p50, double p99, double max) {
    }

    private static Row time(String name, int n, IntConsumer statement) {
        for (int i = 0; i < n / 5; i++) {
            statement.accept(i);
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            statement.accept(i);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return new Row(name, n, nanos[n / 2] / 1e6, nanos[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6,
                nanos[n - 1] / 1e6);
    }

}
