package io.shortlink.server;

import io.helidon.webserver.testing.junit5.ServerTest;
import io.shortlink.core.testing.ManualClock;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.time.InstantSource;

/**
 * A server test against the app its {@link ServedApp} names, served by Helidon's
 * {@code @ServerTest}: each test has the server's {@link #uri}, a {@link #client} of it and the
 * {@link #app} behind it.
 */
@ServerTest
abstract class ServedAppTest {
    URI uri;
    TestApp.Client client;
    ShortlinkApp app;
    private InstantSource clock;

    @BeforeEach
    void connect(URI uri, ShortlinkApp app, InstantSource clock) {
        this.uri = uri;
        this.client = new TestApp.Client(uri);
        this.app = app;
        this.clock = clock;
    }

    /** The app's clock, which the test moves: {@code @ServedApp(clockAt = ...)}. */
    ManualClock clock() {
        if (clock instanceof ManualClock manual) {
            return manual;
        }
        throw new IllegalStateException(getClass().getSimpleName() + " runs on the system clock: @ServedApp names none");
    }
}
