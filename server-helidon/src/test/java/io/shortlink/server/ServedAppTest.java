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
    /** Sends the admin key the app issued into its new database. */
    TestApp.Client client;
    /** That admin key's token; {@code null} when authentication is off. */
    String adminToken;
    ShortlinkApp app;
    private InstantSource clock;

    @BeforeEach
    void connect(URI uri, ShortlinkApp app, InstantSource clock) {
        this.uri = uri;
        this.adminToken = app.firstAdminKey().map(key -> key.token()).orElse(null);
        this.client = new TestApp.Client(uri, adminToken);
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
