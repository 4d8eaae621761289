package io.shortlink.cache;

import io.shortlink.core.Link;
import io.shortlink.core.LinkResolver;
import java.time.Duration;
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
 * Each thread stops by itself after {@link #MAX_RUN}, whatever the test does.
 */
final class ResolveLoad implements AutoCloseable {
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
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(10));
        }
    }

    record Result(long resolves, long errors, List<Throwable> firstErrors, long wrong, Duration slowest) {
    }
}
