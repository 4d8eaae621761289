package io.shortlink.server;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.ClickStats;
import io.shortlink.core.Shortener;

/**
 * {@code GET /api/v1/stats}: links ever created and clicks ever recorded, across every key's
 * links (load tests account with it); {@code admin} only.
 */
final class StatsService implements HttpService {
    private final Shortener shortener;
    private final Access access;

    StatsService(Shortener shortener, Access access) {
        this.shortener = shortener;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::totals);
    }

    private void totals(ServerRequest req, ServerResponse res) {
        ClickStats.Totals totals = shortener.as(access.caller(req, res)).totals();
        Json.send(res, Json.object().put("links", totals.links()).put("clicks", totals.clicks()));
    }
}
