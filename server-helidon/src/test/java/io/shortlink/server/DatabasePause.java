package io.shortlink.server;

import java.net.URI;
import java.time.Duration;

/**
 * The scenario DatabasePausedIT (phase 1) and Phase3DatabasePausedIT (phase 3) run on their
 * stacks: {@link #LINKS} cached links under {@link #LOAD}, while MariaDB is frozen (SIGSTOP)
 * {@link #AT} into the load for {@link #FOR}.
 *
 * @param redirects     the links and the client that redirects on them
 * @param load          the load, still running when {@link #underLoad} returns
 * @param span          when MariaDB was frozen and when it was resumed
 * @param metricsBefore the server's metrics scraped before the load started
 */
record DatabasePause(RedirectsUnderLoad redirects, PacedLoad load, PacedLoad.Span span, String metricsBefore) {
    static final int LINKS = 200;
    static final PacedLoad.Profile LOAD = PacedLoad.Profile.fiveHundredPerSecond(Duration.ofSeconds(30));
    static final Duration AT = Duration.ofSeconds(5);
    static final Duration FOR = Duration.ofSeconds(20);

    /**
     * Creates the links (named after {@code name}) on the server at {@code uri}, starts the load
     * and freezes MariaDB; returns once MariaDB is resumed.
     */
    static DatabasePause underLoad(URI uri, String adminToken, String name) {
        LocalServices services = LocalServices.withMariaDb();
        RedirectsUnderLoad redirects = RedirectsUnderLoad.create(uri, adminToken, name, LINKS);
        String metricsBefore = redirects.scrape();

        PacedLoad load = redirects.start(LOAD);
        PacedLoad.Span span = load.freeze(services, LocalServices.MARIADB_PRIMARY, AT, FOR);
        return new DatabasePause(redirects, load, span, metricsBefore);
    }

    /** The scenario as it ran, for the log: users, links, load, when and for how long MariaDB was paused. */
    String describe() {
        return String.format("%d users, %d links, %.0f s load, MariaDB paused at %.1f s for %.1f s",
                LOAD.users(), LINKS, LOAD.length().toSeconds() * 1.0, PacedLoad.seconds(span.fromNanos()),
                PacedLoad.seconds(span.toNanos() - span.fromNanos()));
    }
}
