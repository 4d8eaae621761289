package io.shortlink.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: the one fake clock of every module's tests
 * (lib-core publishes it in its test-jar). Thread-safe: the code under test may read it from its
 * own threads while the test moves it.
 */
public final class ManualClock implements InstantSource {
    private final AtomicReference<Instant> now;

    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** Moves the clock by {@code by}; a negative duration moves it back. */
    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
