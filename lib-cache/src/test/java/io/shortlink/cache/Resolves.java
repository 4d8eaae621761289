package io.shortlink.cache;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortlink.core.Link;
import io.shortlink.core.LinkResolver;
import io.shortlink.core.ShortCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Resolves run on threads of their own, for the tests of concurrent misses. */
final class Resolves {

    private Resolves() {
    }

    /** Resolves {@code code} on a daemon thread; the future holds its answer or its failure. */
    static CompletableFuture<Optional<Link>> onAnotherThread(LinkResolver cache, ShortCode code) {
        CompletableFuture<Optional<Link>> result = new CompletableFuture<>();
        start(cache, code, result);
        return result;
    }

    /**
     * Starts {@code n} resolves of {@code code} while a load of it is held at the store's gate,
     * and returns once every one of them is waiting, so that none can arrive after the load.
     */
    static List<CompletableFuture<Optional<Link>>> waitingBehindTheLoad(LinkResolver cache, ShortCode code, int n) {
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Optional<Link>>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<Optional<Link>> result = new CompletableFuture<>();
            results.add(result);
            threads.add(start(cache, code, result));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : threads) {
            while (thread.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "a resolver never started waiting: " + thread.getState());
                Thread.onSpinWait();
            }
        }
        return results;
    }

    /** What {@code result} failed with, within 10 s. */
    static Throwable failureOf(CompletableFuture<?> result) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static Thread start(LinkResolver cache, ShortCode code, CompletableFuture<Optional<Link>> result) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(cache.resolve(code));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
    }
}
