package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.Link;
import io.shortlink.core.LinkResolver;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Threads that resolve known codes at random, a short pause between resolves, until stopped,
 * recording every failure, every answer that is not the expected link, and the slowest resolve.
 * Each thread stops by itself after {@link #MAX_RUN}, whatever the test does. The fault ITs' load.
 */
final class ResolveLoad implements AutoCloseable {
    /** L1 holds 16 of the links, so most resolves go on to Redis and the store. */
    static final CacheConfig SMALL_L1 = new CacheConfig(16, Duration.ofSeconds(30), Duration.ofSeconds(5));
    /**
     * What a resolve may wait beyond the configured longest wait on Redis: an in-memory store,
     * and scheduling on a shared 2-core machine. Redisson's defaults would make it 3 s x 5.
     */
    static final Duration SCHEDULING_MARGIN = Duration.ofMillis(450);
    private static final Duration MAX_RUN = Duration.ofMinutes(3);
    private static final long PAUSE_NANOS = Duration.ofMillis(1).toNanos();

    private final List<Thread> threads;
    private final LongAdder resolves = new LongAdder();
    private final LongAdder wrong = new LongAdder();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final LongAccumulator slowestNanos = new LongAccumulator(Math::max, 0);
    private volatile boolean running = true;

    private ResolveLoad(LinkResolver cache, List<Link> links, int threadCount) {
        long stopAt = System.nanoTime() + MAX_RUN.toNanos();
        this.threads = IntStream.range(0, threadCount)
                .mapToObj(i -> Thread.ofPlatform().name("resolve-load-" + i).daemon(true)
                        .start(() -> run(cache, links, stopAt)))
                .toList();
    }

    /** Creates {@code n} links in {@code store}, codes {@code code0} to {@code code<n-1>}. */
    static List<Link> createLinks(LinkStore store, int n) {
        Instant now = Instant.now();
        List<Link> links = IntStream.range(0, n)
                .mapToObj(i -> Link.created(new ShortCode("code" + i), "https://example.com/" + i, now, Optional.empty()))
                .toList();
        links.forEach(store::create);
        return links;
    }

    /** Starts {@code threadCount} threads resolving {@code links}' codes, each expecting its link. */
    static ResolveLoad start(LinkResolver cache, List<Link> links, int threadCount) {
        return new ResolveLoad(cache, links, threadCount);
    }

    private void run(LinkResolver cache, List<Link> links, long stopAt) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running && System.nanoTime() - stopAt < 0) {
            Link link = links.get(random.nextInt(links.size()));
            long start = System.nanoTime();
            try {
                if (!cache.resolve(link.code()).equals(Optional.of(link))) {
                    wrong.increment();
                }
            } catch (Throwable t) {
                errors.add(t);
            }
            long took = System.nanoTime() - start;
            slowestNanos.accumulate(took);
            resolves.increment();
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }

    long resolves() {
        return resolves.sum();
    }

    /** What happened so far: resolves, failures (the first few), wrong answers, the slowest. */
    Result result() {
        return new Result(resolves.sum(), errors.size(), errors.stream().limit(3).toList(), wrong.sum(),
                Duration.ofNanos(slowestNanos.get()));
    }

    @Override
    public void close() {
        running = false;
        try {
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Every resolve so far answered its link, none waited longer than {@code l2}'s longest wait
     * plus a margin for scheduling; prints the figures, named {@code run}.
     */
    void assertEveryResolveAnswered(String run, RedisTierConfig l2) {
        Result result = result();
        Duration bound = l2.longestWait().plus(SCHEDULING_MARGIN);
        System.out.println("event=" + run + " " + result + " bound=" + bound);
        assertEquals(0, result.errors(), () -> "resolves failed: " + result.firstErrors());
        assertEquals(0, result.wrong(), "resolves answered something else than their link");
        assertTrue(result.slowest().compareTo(bound) < 0, "the slowest resolve took " + result.slowest());
    }

    record Result(long resolves, long errors, List<Throwable> firstErrors, long wrong, Duration slowest) {
    }
}
