package io.shortlink.cache;

import io.shortlink.core.Link;
import io.shortlink.core.LinkPage;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link LinkStore} in a map, which counts its finds and can be told to fail or to hold
 * finds until a test lets them go.
 */
final class InMemoryLinkStore implements LinkStore {
    private final ConcurrentMap<ShortCode, Link> links = new ConcurrentHashMap<>();
    private final AtomicInteger finds = new AtomicInteger();
    private volatile RuntimeException failure;
    private volatile Gate gate;

    @Override
    public Optional<Link> find(ShortCode code) {
        finds.incrementAndGet();
        RuntimeException fail = failure;
        Optional<Link> found = Optional.ofNullable(links.get(code));
        Gate held = gate;
        if (held != null) {
            held.pass(); // the store has answered; the answer is still on its way back
        }
        if (fail != null) {
            throw fail;
        }
        return found;
    }

    @Override
    public void create(Link link, Optional<String> owner) {
        if (links.putIfAbsent(link.code(), link) != null) {
            throw new CodeTakenException(link.code());
        }
    }

    /** Owners are not the cache's business: no link here has one. */
    @Override
    public Optional<String> ownerOf(ShortCode code) {
        return Optional.empty();
    }

    @Override
    public LinkPage list(Optional<String> owner, OptionalLong before, int limit) {
        throw new UnsupportedOperationException("the cache never lists links");
    }

    @Override
    public Optional<Link> delete(ShortCode code, Instant at) {
        return Optional.ofNullable(links.computeIfPresent(code,
                (c, link) -> link.deletion().isPresent() ? link : link.deleted(at)));
    }

    int finds() {
        return finds.get();
    }

    /** Every find from now on throws {@code e}. */
    void failWith(RuntimeException e) {
        failure = e;
    }

    void recover() {
        failure = null;
    }

    /**
     * Every find from now on reads the map, then waits until the returned gate is opened before
     * it answers what it read.
     */
    Gate holdFinds() {
        Gate held = new Gate();
        gate = held;
        return held;
    }

    static final class Gate {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        void awaitEntered() throws InterruptedException {
            if (!entered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no find reached the gate");
            }
        }

        void open() {
            open.countDown();
        }

        private void pass() {
            entered.countDown();
            try {
                if (!open.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the gate was never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted at the gate", e);
            }
        }
    }
}
