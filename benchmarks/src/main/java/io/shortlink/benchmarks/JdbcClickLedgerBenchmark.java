package io.shortlink.benchmarks;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.ClickSink;
import io.shortlink.core.MetricsListener;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StoreUnavailableException;
import io.shortlink.core.StreamRange;
import io.shortlink.core.jdbc.JdbcClickLedger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Clicks per second into MariaDB, keys uniform over 100,000 codes: the {@link JdbcClickLedger}
 * alone, the whole in-process path ({@link ClickBatcher} over the ledger), and raw multi-row
 * statements of the same rows through the same pool and driver options as the baselines.
 *
 * <p>Each fork creates a database {@code shortlink_it_bench_<hex>}, migrates it with lib-core's
 * Flyway schema, seeds 100,000 links and drops it at the end ({@link ScratchDatabase}); the
 * Connector/J options are the phase-1 server's. Without a MariaDB the benchmark fails at once
 * with a message saying so, and the other benchmarks of the same invocation still run.
 *
 * <ul>
 * <li>{@code batch_*}: one transaction per operation of {@code rowsPerBatch} distinct (code,
 *     minute) rows, codes drawn uniformly without repeats, minute the current one (so each
 *     minute's first batches insert and the rest update, as in production).
 *     {@code batch_ledgerApply} is {@code JdbcClickLedger.apply} of a fresh {@link ClickBatch}
 *     with {@code clicksPerRow} clicks in every count; {@code batch_rawUpsertBaseline} is one
 *     multi-row {@code INSERT INTO click_rollups ... ON DUPLICATE KEY UPDATE clicks = clicks +
 *     VALUES(clicks)} of the same rows (no batch id, no link totals, no counter);
 *     {@code batch_rawInsertBaseline} a multi-row plain {@code INSERT} into a keyless table with
 *     the same columns, emptied before each iteration. {@code batch2w_*}: the ledger and the
 *     raw upsert with two writers at once, each over its own half of the codes, one click per
 *     row (a prototype of sharded senders: lib-core has one sender per batcher).</li>
 * <li>{@code e2e_*}: a started {@link ClickBatcher} (default config: linger 100 ms, 5,000 keys per
 *     batch) over the ledger, fed {@code Click.of(code, Instant.now())} with codes uniform over
 *     100,000, by one or two threads as fast as they can, or by one thread paced at 50,000
 *     clicks/s. The score is clicks appended per second; {@code ·clicksApplied} counts what the
 *     ledger committed during the iteration, {@code ·rowsApplied} the (code, minute) rows it
 *     wrote. Each iteration ends with a flush, untimed and uncounted by JMH; a
 *     {@code [pipeline]} line after each iteration gives the rate that counts it (clicks applied
 *     from the iteration's start to the flush's end, over that time) and the oldest backlog
 *     seen. {@code e2e_batcherPaced50k_2senders} is the paced run through a prototype of two
 *     batchers over disjoint code shards.</li>
 * </ul>
 * Secondary results: {@code ·clicks} / {@code ·clicksApplied} clicks per second, {@code ·rows}
 * / {@code ·rowsApplied} rows per second; the primary score of {@code batch_*} is transactions
 * per second.
 *
 * <p>Run (from the project root; iterations of 5 s, and 10 s for {@code e2e_*}, set in the
 * annotations):
 * <pre>
 * mvn -B -q -o -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar JdbcClickLedgerBenchmark -f 2 -wi 3 -i 5
 * </pre>
 *
 * <p>Prototypes, not run by the command above: {@code -p driver=phase1,clientPrepared} and
 * {@code -p rowsPerBatch=5000,20000}, e.g.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'JdbcClickLedgerBenchmark.batch_(ledgerApply|rawUpsertBaseline)' \
 *     -f 2 -wi 3 -i 5 -p clicksPerRow=1 -p rowsPerBatch=5000,20000 -p driver=phase1,clientPrepared
 * </pre>
 *
 * <p>Last printed on this machine kind (java-maven 2-core VM, JDK 25.0.3 Temurin, JMH 1.37,
 * MariaDB 10.11.19 on loopback sharing both cores, {@code innodb_flush_log_at_trx_commit=1};
 * 2026-11-29, commits ba610d1 and 35e0d70; every run, the disturbed ones too, in
 * docs/perf/baseline.md),
 * throughput, ± JMH's 99.9 % error, 2 forks x 5 iterations. One transaction of N distinct rows
 * (load average 1.2-2.5, no failed transaction):
 * <pre>
 * rows per second                     N = 1,000            N = 5,000
 * batch_ledgerApply, 1 click a row     73,400 ±  3,700      80,200 ±  2,100   (= clicks/s)
 *   10 clicks a row                    81,100 ±  2,700      84,000 ±  5,700   (811,000 / 840,000 clicks/s)
 *   baseline: raw multi-row upsert    139,400 ± 12,000     156,000 ±  4,800   (ledger 0.53x / 0.51x)
 *   baseline: raw multi-row insert    263,000 ± 12,700     281,700 ± 13,900   (ledger 0.28x / 0.28x)
 * two writers over disjoint halves (prototype)
 * batch2w_ledgerApply                 117,100 ±  9,400     132,800 ±  9,300   (1.60x / 1.66x one writer)
 *   baseline: raw upsert              227,700 ± 29,300     256,300 ±  5,000   (1.63x / 1.64x one writer)
 * </pre>
 * End to end, two runs (load average 1.4-5.5 and 0.9-9.4, no failed attempt, nothing refused;
 * the second ran the e2e methods alone, beside the table above, run 25 minutes earlier):
 * <pre>
 *                                 clicks applied/s (JMH)     rows applied/s     oldest backlog   incl. flush
 * e2e_batcher1Appender            1.11 ± 0.59 M, 1.76 ± 0.71 M   58k, 74k           2.3-7.3 s        0.76-2.05 M/s
 * e2e_batcher2Appenders           1.84 ± 0.27 M, 1.85 ± 0.22 M   75k, 78k           2.5-3.2 s        1.51-2.07 M/s
 * e2e_batcherPaced50k             49,390 ± 280, 49,460 ± 270     48.1k, 48.1k       170-190 ms       49.6-49.8 k/s
 * e2e_batcherPaced50k_2senders    49,570 ± 150, 49,520 ± 240     48.3k, 48.2k       135-178 ms       49.8-49.9 k/s
 * </pre>
 * Prototype run (load average 0.3-1.6), ledger rows per second with the server's driver options
 * beside {@code useServerPrepStmts=false}: 83,200 ± 2,400 vs 106,000 ± 4,700 at N = 5,000 (1.27x),
 * 81,000 ± 4,000 vs 110,700 ± 8,100 at N = 20,000 (1.37x); raw upsert 167,700 ± 4,900 vs
 * 201,800 ± 13,100 at N = 5,000 (1.20x). 20,000 rows a transaction buy nothing over 5,000.
 *
 * <p>The target, 50,000 clicks/s uniform over 100,000 codes, is met end to end with one click a
 * row (48,100 rows/s at 50,000 clicks/s; linger plus one transaction of backlog). The ledger alone
 * writes 1.6x that; beyond it the batcher folds (about 24 clicks a row unpaced), so clicks/s
 * keep rising while rows/s stay at the ledger's ceiling and the backlog ages to seconds. The
 * ledger is half the raw upsert of the same rows because each count is two upserted rows (the
 * minute's rollup and the link's total); the raw upsert is itself 0.55x the plain insert, since
 * an upsert of an existing key looks it up and rewrites it where the keyless insert appends.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class JdbcClickLedgerBenchmark {
    /** Pool size: two writers at most, and a spare for the ledger's purge. */
    private static final int POOL_SIZE = 4;
    private static final long PACED_NANOS_PER_CLICK = 1_000_000_000L / 50_000;
    /** The paced appender sleeps after every this many clicks (10 ms of clicks at 50k/s). */
    private static final int PACE_BURST = 500;

    /** The database, the codes and a ledger over them, for one fork. */
    @State(Scope.Benchmark)
    public static class Db {
        /**
         * Connector/J options: {@code phase1}, the server's exactly; {@code clientPrepared}, a
         * prototype with {@code useServerPrepStmts=false} (run it with
         * {@code -p driver=phase1,clientPrepared} to compare in one invocation).
         */
        @Param({"phase1"})
        public String driver;

        ShortCode[] codes;
        ScratchDatabase database;
        JdbcClickLedger ledger;
        private final ConcurrentHashMap<Integer, String> upsertSql = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Integer, String> insertSql = new ConcurrentHashMap<>();

        @Setup(Level.Trial)
        public void open() {
            codes = SampleCodes.sorted(SampleCodes.UNIFORM);
            database = ScratchDatabase.create(codes, POOL_SIZE, switch (driver) {
                case "phase1" -> ScratchDatabase.URL_OPTIONS;
                case "clientPrepared" -> ScratchDatabase.URL_OPTIONS_CLIENT_PREPARED;
                default -> throw new IllegalArgumentException("driver must be phase1 or clientPrepared, was " + driver);
            });
            ledger = JdbcClickLedger.builder(database.dataSource()).dialect(JdbcClickLedger.Dialect.MYSQL).build();
        }

        @Setup(Level.Iteration)
        public void emptyScratch() {
            try {
                database.truncateScratch();
            } catch (SQLException e) {
                System.out.println("  [db] scratch table not emptied: " + e.getMessage());
            }
        }

        /** The wall-clock end of each iteration, to set beside a log of the database's pauses. */
        @TearDown(Level.Iteration)
        public void stamp() {
            System.out.println("  [db] iteration ended " + LocalTime.now().withNano(0));
        }

        @TearDown(Level.Trial)
        public void close() {
            if (database != null) {
                database.close();
            }
        }

        String upsertSql(int rows) {
            return upsertSql.computeIfAbsent(rows, n -> values(
                    "INSERT INTO click_rollups (code, minute_epoch, clicks) VALUES ", n)
                    + " ON DUPLICATE KEY UPDATE clicks = clicks + VALUES(clicks)");
        }

        String insertSql(int rows) {
            return insertSql.computeIfAbsent(rows, n -> values("INSERT INTO " + ScratchDatabase.SCRATCH_TABLE
                    + " (code, minute_epoch, clicks) VALUES ", n));
        }

        private static String values(String head, int rows) {
            StringBuilder sql = new StringBuilder(head.length() + rows * 10).append(head);
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
            }
            return sql.toString();
        }
    }

    /** This thread's rows for the next transaction: distinct codes of its shard, in code order. */
    @State(Scope.Thread)
    public static class Rows {
        @Param({"1000", "5000"})
        public int rowsPerBatch;

        /** Indices into {@link Db#codes} this thread may write; all of them with one writer. */
        private int[] shard;
        private SplittableRandom random;
        int[] picked;
        long minute;

        @Setup(Level.Trial)
        public void shard(ThreadParams thread) {
            int writers = thread.getThreadCount();
            int me = thread.getThreadIndex();
            shard = new int[(SampleCodes.UNIFORM - me + writers - 1) / writers];
            for (int i = 0; i < shard.length; i++) {
                shard[i] = me + i * writers;
            }
            random = new SplittableRandom(31L * me + rowsPerBatch);
            picked = new int[rowsPerBatch];
        }

        /** A uniform draw without repeats (partial Fisher-Yates), sorted: the order a ledger writes. */
        @Setup(Level.Invocation)
        public void pick() {
            for (int i = 0; i < picked.length; i++) {
                int j = i + random.nextInt(shard.length - i);
                int chosen = shard[j];
                shard[j] = shard[i];
                shard[i] = chosen;
                picked[i] = chosen;
            }
            Arrays.sort(picked);
            minute = ClickCount.epochMinute(Instant.now());
        }
    }

    /** How many clicks each count of a ledger batch stands for: 1, or denser as folding makes it. */
    @State(Scope.Benchmark)
    public static class Density {
        @Param({"1", "10"})
        public int clicksPerRow;
    }

    /**
     * Clicks and rows committed, reported per second beside the transactions, and transactions
     * that failed because the database did not answer (the shared MariaDB is sometimes paused by
     * fault-injection tests): they are counted, not thrown, so a stall costs its time, not the
     * run, and {@code ·failed} must be 0 for a row to describe a healthy database.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Written {
        public long clicks;
        public long rows;
        public long failed;

        @Setup(Level.Iteration)
        public void reset() {
            clicks = 0;
            rows = 0;
            failed = 0;
        }
    }

    @Benchmark
    public boolean batch_ledgerApply(Db db, Rows rows, Density density, Written written) {
        return ledgerApply(db, rows, density.clicksPerRow, written);
    }

    @Benchmark
    public int batch_rawUpsertBaseline(Db db, Rows rows, Written written) {
        return raw(db, db.upsertSql(rows.rowsPerBatch), rows, written);
    }

    @Benchmark
    public int batch_rawInsertBaseline(Db db, Rows rows, Written written) {
        return raw(db, db.insertSql(rows.rowsPerBatch), rows, written);
    }

    @Benchmark
    @Threads(2)
    public boolean batch2w_ledgerApply(Db db, Rows rows, Written written) {
        return ledgerApply(db, rows, 1, written);
    }

    @Benchmark
    @Threads(2)
    public int batch2w_rawUpsertBaseline(Db db, Rows rows, Written written) {
        return raw(db, db.upsertSql(rows.rowsPerBatch), rows, written);
    }

    /**
     * The Kafka consumer's path: the same rows as {@link #batch_ledgerApply} at one click each, but
     * as click events through {@link JdbcClickLedger#record}, which also inserts every event by
     * its id ({@code click_events}, for dedupe and later analytics) and moves a stream position.
     * The gap to {@code batch_ledgerApply} at density 1 is what keeping raw events costs.
     */
    @Benchmark
    public Object events_ledgerRecord(Db db, Rows rows, Stream stream, Written written) {
        List<Click> events = new ArrayList<>(rows.picked.length);
        Instant at = Instant.ofEpochSecond(rows.minute * 60 + 30);
        for (int index : rows.picked) {
            events.add(Click.of(db.codes[index], at));
        }
        try {
            Object recorded = db.ledger.record(events, List.of(stream.next(events.size())));
            written.rows += events.size();
            written.clicks += events.size();
            return recorded;
        } catch (StoreUnavailableException e) {
            written.failed++;
            stream.rewind(rows.picked.length);
            return null;
        }
    }

    /** A stream position of this thread's own, moved by each {@link #events_ledgerRecord} call. */
    @State(Scope.Thread)
    public static class Stream {
        private final String name = "bench:" + java.util.UUID.randomUUID();
        private long next;

        StreamRange next(int size) {
            StreamRange range = new StreamRange(name, 0, next, next + size);
            next += size;
            return range;
        }

        /** After a failure the stored position did not move: the next range starts where this one did. */
        void rewind(int size) {
            next -= size;
        }
    }

    private static boolean ledgerApply(Db db, Rows rows, int clicksPerRow, Written written) {
        // Building the batch (fresh id, 1,000-5,000 counts, order checked) is timed too: about
        // 0.1 ms, under 1 % of a transaction.
        List<ClickCount> counts = new ArrayList<>(rows.picked.length);
        for (int index : rows.picked) {
            counts.add(new ClickCount(db.codes[index], rows.minute, clicksPerRow));
        }
        try {
            boolean applied = db.ledger.apply(ClickBatch.of(counts));
            written.rows += counts.size();
            written.clicks += (long) counts.size() * clicksPerRow;
            return applied;
        } catch (StoreUnavailableException e) {
            written.failed++;
            return false;
        }
    }

    private static int raw(Db db, String sql, Rows rows, Written written) {
        try {
            return rawTransaction(db, sql, rows, written);
        } catch (SQLException e) {
            written.failed++;
            return -1;
        }
    }

    private static int rawTransaction(Db db, String sql, Rows rows, Written written) throws SQLException {
        try (Connection c = db.database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            int changed;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int p = 1;
                for (int index : rows.picked) {
                    s.setString(p++, db.codes[index].value());
                    s.setLong(p++, rows.minute);
                    s.setLong(p++, 1);
                }
                changed = s.executeUpdate();
            }
            c.commit();
            written.rows += rows.picked.length;
            written.clicks += rows.picked.length;
            return changed;
        }
    }

    /**
     * A batcher over the JDBC ledger, counting what the ledger committed. For the methods named
     * {@code *_2senders}, a prototype instead: two batchers, each with its own sender thread,
     * clicks routed to one by their code, so the two write disjoint rows.
     */
    @State(Scope.Benchmark)
    public static class Pipeline {
        CountingLedger applied;
        ClickSink sink;
        /** Oldest backlog seen in the iteration (nanoseconds), sampled by the first appender. */
        volatile long maxBacklogNanos;
        private long iterationStart;
        private long clicksAtStart;

        @Setup(Level.Trial)
        public void start(Db db, BenchmarkParams benchmark) {
            applied = new CountingLedger(db.ledger);
            int senders = benchmark.getBenchmark().endsWith("_2senders") ? 2 : 1;
            ClickBatcher[] batchers = new ClickBatcher[senders];
            for (int i = 0; i < senders; i++) {
                batchers[i] = ClickBatcher.builder(applied).metrics(applied).start();
            }
            sink = senders == 1 ? batchers[0] : new ShardedSink(batchers);
        }

        @Setup(Level.Iteration)
        public void mark() {
            iterationStart = System.nanoTime();
            clicksAtStart = applied.clicks.get();
        }

        /**
         * Drains what the iteration appended (untimed by JMH) and prints, beside JMH's in-window
         * figure, the rate that counts the drain: clicks applied from the iteration's start to
         * the flush's end over that whole time.
         */
        @TearDown(Level.Iteration)
        public void flush() throws InterruptedException {
            long flushStart = System.nanoTime();
            boolean done = sink.flush(Duration.ofMinutes(2));
            long end = System.nanoTime();
            long clicks = applied.clicks.get() - clicksAtStart;
            System.out.printf("  [pipeline] flushed=%s in %,d ms; oldest backlog seen %,d ms; %,d clicks applied in "
                            + "%,d ms incl. flush = %,.0f clicks/s; failed attempts %d; totals: %,d batches, %,d rows, "
                            + "%,d clicks%n",
                    done, (end - flushStart) / 1_000_000, maxBacklogNanos / 1_000_000, clicks,
                    (end - iterationStart) / 1_000_000, clicks * 1e9 / (end - iterationStart),
                    applied.failedAttempts.get(), applied.batches.get(), applied.rows.get(), applied.clicks.get());
            maxBacklogNanos = 0;
        }

        @TearDown(Level.Trial)
        public void close() {
            sink.close();
        }
    }

    /** One appending thread: its random codes, and (the first thread) the ledger's progress. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Appender {
        public long clicksApplied;
        public long rowsApplied;
        public long refused;

        private SplittableRandom random;
        private boolean counts;
        private long seenClicks;
        private long seenRows;
        private long appended;
        private long paceStart;

        @Setup(Level.Trial)
        public void start(ThreadParams thread) {
            random = new SplittableRandom(1_000 + thread.getThreadIndex());
            counts = thread.getThreadIndex() == 0;
        }

        @Setup(Level.Iteration)
        public void reset(Pipeline pipeline) {
            clicksApplied = 0;
            rowsApplied = 0;
            refused = 0;
            seenClicks = pipeline.applied.clicks.get();
            seenRows = pipeline.applied.rows.get();
            appended = 0;
            paceStart = System.nanoTime();
        }

        boolean append(Db db, Pipeline pipeline) {
            boolean accepted = pipeline.sink.append(Click.of(db.codes[random.nextInt(db.codes.length)], Instant.now()));
            if (!accepted) {
                refused++;
            }
            appended++;
            if (counts) {
                // Only what the ledger committed counts; one thread reads it, so nothing twice.
                long clicks = pipeline.applied.clicks.get();
                long rows = pipeline.applied.rows.get();
                clicksApplied += clicks - seenClicks;
                rowsApplied += rows - seenRows;
                seenClicks = clicks;
                seenRows = rows;
                if ((appended & 4_095) == 0) {
                    long age = pipeline.sink.backlog().oldestAge().toNanos();
                    if (age > pipeline.maxBacklogNanos) {
                        pipeline.maxBacklogNanos = age;
                    }
                }
            }
            return accepted;
        }

        /** Sleeps, after every burst, until the schedule of a steady 50,000 clicks/s catches up. */
        void pace() {
            if (appended % PACE_BURST == 0) {
                long wait = paceStart + appended * PACED_NANOS_PER_CLICK - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    @Benchmark
    @Threads(1)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 10)
    public boolean e2e_batcher1Appender(Db db, Pipeline pipeline, Appender appender) {
        return appender.append(db, pipeline);
    }

    @Benchmark
    @Threads(2)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 10)
    public boolean e2e_batcher2Appenders(Db db, Pipeline pipeline, Appender appender) {
        return appender.append(db, pipeline);
    }

    @Benchmark
    @Threads(1)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 10)
    public boolean e2e_batcherPaced50k(Db db, Pipeline pipeline, Appender appender) {
        boolean accepted = appender.append(db, pipeline);
        appender.pace();
        return accepted;
    }

    @Benchmark
    @Threads(1)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 10)
    public boolean e2e_batcherPaced50k_2senders(Db db, Pipeline pipeline, Appender appender) {
        return e2e_batcherPaced50k(db, pipeline, appender);
    }

    /**
     * Prototype of sharded senders (not in lib-core): each click goes to the batcher of its
     * code's shard, so each sender writes its own rows and two transactions run at once.
     */
    static final class ShardedSink implements ClickSink {
        private final ClickBatcher[] shards;

        ShardedSink(ClickBatcher[] shards) {
            this.shards = shards;
        }

        @Override
        public boolean append(Click click) {
            return shards[Math.floorMod(click.code().hashCode(), shards.length)].append(click);
        }

        @Override
        public boolean flush(Duration timeout) throws InterruptedException {
            boolean all = true;
            for (ClickBatcher shard : shards) {
                all &= shard.flush(timeout);
            }
            return all;
        }

        @Override
        public Backlog backlog() {
            long clicks = 0;
            Duration oldest = Duration.ZERO;
            for (ClickBatcher shard : shards) {
                Backlog b = shard.backlog();
                clicks += b.clicks();
                oldest = b.oldestAge().compareTo(oldest) > 0 ? b.oldestAge() : oldest;
            }
            return new Backlog(clicks, oldest);
        }

        @Override
        public void close() {
            for (ClickBatcher shard : shards) {
                shard.close();
            }
        }
    }

    /**
     * The ledger, counting the clicks, rows and batches of every call that committed; also the
     * batcher's listener, counting attempts that failed (each is retried by the batcher).
     */
    static final class CountingLedger implements ClickLedger, MetricsListener {
        private final ClickLedger ledger;
        final AtomicLong clicks = new AtomicLong();
        final AtomicLong rows = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong failedAttempts = new AtomicLong();

        CountingLedger(ClickLedger ledger) {
            this.ledger = ledger;
        }

        @Override
        public boolean apply(ClickBatch batch) {
            boolean fresh = ledger.apply(batch);
            if (fresh) {
                clicks.addAndGet(batch.clicks());
                rows.addAndGet(batch.counts().size());
                batches.incrementAndGet();
            }
            return fresh;
        }

        @Override
        public void clickBatchFailed(long count, Throwable cause) {
            failedAttempts.incrementAndGet();
        }
    }
}
