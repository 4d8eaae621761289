package io.shortlink.benchmarks;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickBatcher;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.ShortCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The redirect path's hand-off of a click: {@link ClickBatcher#append} (fold into a per-(link,
 * minute) count under a lock) beside {@link ArrayBlockingQueue#offer} (enqueue a reference under
 * a lock), driven by the same threads with the same pre-built clicks. The batcher's ledger does
 * nothing, so only the append and the sender's sealing are measured, never a database. The queue
 * (2^20 slots) is drained by one thread, as the batcher is, into a reused list; when that thread
 * falls behind (it does: on two shared cores it gets less CPU than the producers) the producer
 * empties the queue itself and offers again, so an offer never fails and a failed offer's cheap
 * path is never what is measured. {@code ·cleared} counts those emptyings (each costs about a
 * millisecond, paid in the producer's time); {@code ·refused} counts appends the batcher refused,
 * and must be 0 for a row to count. Allocation per operation ({@code gc.alloc.rate.norm}) is of
 * the whole JVM, so the batcher's figure includes what its sender allocates to seal batches.
 *
 * <p>Run (from the project root):
 * <pre>
 * mvn -B -q -o -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ClickBatcherBenchmark -f 2 -wi 3 -i 5 -prof gc
 * </pre>
 * (iterations of 2 s, from the annotations: twenty lingers of the batcher each).
 *
 * <p>Last printed on this machine kind (java-maven 2-core VM, JDK 25.0.3 Temurin, JMH 1.37,
 * 2026-11-29, commit 35e0d70, load average 1.5-7.1, the benchmark's own threads included; both
 * runs in docs/perf/baseline.md), throughput, ± JMH's 99.9 % error, 2 forks x 5 iterations:
 * <pre>
 * keys          threads   ClickBatcher.append         ArrayBlockingQueue.offer (baseline)
 * hot8             1      69.1 ± 2.1 M/s,  0 B/op     24.0 ± 2.0 M/s, 0 B/op
 * hot8             4      59.3 ± 1.6 M/s,  0 B/op     34.0 ± 2.7 M/s, 0 B/op
 * uniform100k      1      10.7 ± 1.9 M/s, 24 B/op     24.2 ± 2.5 M/s, 0 B/op
 * uniform100k      4       7.1 ± 2.5 M/s, 16 B/op     31.9 ± 2.4 M/s, 0 B/op
 * </pre>
 * No append was refused. On a known key an append is a hash lookup and two increments under an
 * uncontended lock, allocating nothing: 1.7-2.9x the rate of an offer, which also signals and
 * contends with its drainer. Over 100,000 codes nearly every append makes a new key (a node and
 * a map entry, then a count when sealed), so it runs at a quarter to a half of the offer rate
 * and allocates 16-24 B; still about 0.1 µs a click on one thread. The earlier run of the same
 * day (load 1.5-5.4 from other builds) gave the same batcher figures on hot keys and 6.1 ± 3.8
 * / 3.8 ± 1.6 M/s on uniform keys: those rows move with the machine's load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClickBatcherBenchmark {
    /** Pre-built clicks shared by every thread; a power of two, each thread walks it from its own offset. */
    private static final int CLICKS = 1 << 18;
    private static final int QUEUE_CAPACITY = 1 << 20;
    /** What the drainer takes at once: the batcher's default batchKeys. */
    private static final int DRAIN_MAX = 5_000;

    /**
     * {@code hot8}: clicks uniform over 8 codes (every append folds into a known key);
     * {@code uniform100k}: over 100,000.
     */
    @Param({"hot8", "uniform100k"})
    public String keys;

    private Click[] clicks;
    private ClickBatcher batcher;
    private ArrayBlockingQueue<Click> queue;
    private Thread drainer;
    private volatile boolean draining;

    @Setup(Level.Trial)
    public void start() {
        ShortCode[] codes = SampleCodes.sorted(switch (keys) {
            case "hot8" -> 8;
            case "uniform100k" -> SampleCodes.UNIFORM;
            default -> throw new IllegalArgumentException("keys must be hot8 or uniform100k, was " + keys);
        });
        SplittableRandom random = new SplittableRandom(7);
        Instant at = Instant.now();
        clicks = new Click[CLICKS];
        for (int i = 0; i < CLICKS; i++) {
            clicks[i] = Click.of(codes[random.nextInt(codes.length)], at);
        }
        batcher = ClickBatcher.builder(new NoopLedger()).start();
        queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        draining = true;
        drainer = Thread.ofPlatform().name("bench-queue-drainer").daemon(true).start(this::drain);
    }

    private void drain() {
        List<Click> taken = new ArrayList<>(DRAIN_MAX);
        try {
            while (draining) {
                Click first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    queue.drainTo(taken, DRAIN_MAX);
                    taken.clear();
                }
            }
        } catch (InterruptedException e) {
            // Trial over.
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        batcher.close();
        draining = false;
        drainer.interrupt();
        drainer.join();
    }

    /** Where one benchmark thread is in the shared clicks. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        @Setup(Level.Trial)
        public void start(ThreadParams thread) {
            next = thread.getThreadIndex() * (CLICKS / 4);
        }

        Click next(Click[] clicks) {
            return clicks[next++ & (CLICKS - 1)];
        }
    }

    /** Appends refused and queues emptied by the producer in the iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Refusals {
        public long refused;
        public long cleared;

        @Setup(Level.Iteration)
        public void reset() {
            refused = 0;
            cleared = 0;
        }
    }

    @Benchmark
    @Threads(1)
    public boolean t1_batcherAppend(Cursor cursor, Refusals refusals) {
        return append(cursor, refusals);
    }

    @Benchmark
    @Threads(1)
    public boolean t1_queueOfferBaseline(Cursor cursor, Refusals refusals) {
        return offer(cursor, refusals);
    }

    @Benchmark
    @Threads(4)
    public boolean t4_batcherAppend(Cursor cursor, Refusals refusals) {
        return append(cursor, refusals);
    }

    @Benchmark
    @Threads(4)
    public boolean t4_queueOfferBaseline(Cursor cursor, Refusals refusals) {
        return offer(cursor, refusals);
    }

    private boolean append(Cursor cursor, Refusals refusals) {
        boolean accepted = batcher.append(cursor.next(clicks));
        if (!accepted) {
            refusals.refused++;
        }
        return accepted;
    }

    private boolean offer(Cursor cursor, Refusals refusals) {
        Click click = cursor.next(clicks);
        while (!queue.offer(click)) {
            queue.clear();
            refusals.cleared++;
        }
        return true;
    }

    /** A ledger that applies nothing, instantly: the batcher's cost without a database. */
    private static final class NoopLedger implements ClickLedger {
        @Override
        public boolean apply(ClickBatch batch) {
            return true;
        }
    }
}
