package io.shortlink.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /api/v1/stats}: links ever created and clicks ever recorded (load tests account with it). */
final class StatsService implements HttpService {
    private final DbClickStats stats;

    StatsService(DbClickStats stats) {
        this.stats = stats;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::totals);
    }

    private void totals(ServerRequest req, ServerResponse res) {
        DbClickStats.Totals totals = stats.totals();
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(Json.object().put("links", totals.links()).put("clicks", totals.clicks())));
    }
}
