package io.shortlink.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.ClickStats;
import io.shortlink.core.Shortener;

/** {@code GET /api/v1/stats}: links ever created and clicks ever recorded (load tests account with it). */
final class StatsService implements HttpService {
    private final Shortener shortener;

    StatsService(Shortener shortener) {
        this.shortener = shortener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::totals);
    }

    private void totals(ServerRequest req, ServerResponse res) {
        ClickStats.Totals totals = shortener.totals();
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(Json.object().put("links", totals.links()).put("clicks", totals.clicks())));
    }
}
