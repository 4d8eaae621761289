package io.shortlink.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.ClickSeries;
import io.shortlink.core.Granularity;
import io.shortlink.core.InputRejectedException;
import io.shortlink.core.InputRule;
import io.shortlink.core.Link;
import io.shortlink.core.LinkDetails;
import io.shortlink.core.LinkStats;
import io.shortlink.core.NewLink;
import io.shortlink.core.Shortener;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/links}: create, read, stats, delete, adapted to HTTP: JSON and query parameters
 * in, a call to the {@link Shortener}, JSON or a problem out. The rules are the front door's;
 * what this checks is the request's form (media type, JSON shape, instant syntax). Unknown and
 * deleted codes, a taken alias and bad input arrive as exceptions that {@link Problems} maps.
 * The caller comes from {@link Access}; what it may do (the scope of each use-case, its own
 * links only unless it is an admin) is the front door's rule ({@link Shortener#as}).
 */
final class LinksService implements HttpService {
    private static final Set<String> CREATE_FIELDS = Set.of("url", "alias", "expiresAt");

    private final Shortener shortener;
    private final ShortlinkConfig config;
    private final Access access;

    LinksService(Shortener shortener, ShortlinkConfig config, Access access) {
        this.shortener = shortener;
        this.config = config;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::list)
                .get("/{code}", this::metadata)
                .get("/{code}/stats", this::stats)
                .delete("/{code}", this::delete);
    }

    private void create(ServerRequest req, ServerResponse res) {
        Shortener.AsCaller caller = shortener.as(access.creator(req, res));
        Optional<ObjectNode> json = Json.requestObject(req, res, CREATE_FIELDS, "{\"url\": \"https://example.org/\"}");
        if (json.isEmpty()) {
            return;
        }
        ObjectNode request = json.get();
        for (Map.Entry<String, JsonNode> field : request.properties()) {
            if (!field.getValue().isTextual() && !field.getValue().isNull()) {
                Problems.send(req, res, ProblemType.INVALID_FIELD, "'" + field.getKey() + "' must be a string");
                return;
            }
        }
        Optional<Instant> expiresAt = text(request, "expiresAt").map(LinksService::expiry);
        Link link = caller.create(new NewLink(text(request, "url").orElse(null), text(request, "alias"), expiresAt));
        res.status(Status.CREATED_201);
        res.header(HeaderNames.LOCATION, config.baseUrl() + "/api/v1/links/" + link.code().value());
        Json.send(res, describe(link));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Shortener.AsCaller caller = shortener.as(access.caller(req, res));
        int limit = req.query().first("limit").asOptional().map(LinksService::limit).orElse(Shortener.DEFAULT_PAGE);
        Shortener.Page page = caller.list(req.query().first("cursor").asOptional(), limit);
        ObjectNode body = Json.object();
        var links = body.putArray("links");
        for (LinkDetails.Listed listed : page.links()) {
            links.add(describe(listed.link()).put("status", listed.state().name().toLowerCase(Locale.ROOT)));
        }
        if (page.next().isPresent()) {
            body.put("next", page.next().get());
        } else {
            body.putNull("next");
        }
        Json.send(res, body);
    }

    private static int limit(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InputRejectedException(InputRule.PAGE_LIMIT_INVALID, "limit was '" + value + "'");
        }
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        LinkDetails details = shortener.as(access.caller(req, res)).details(req.path().pathParameters().get("code"));
        Json.send(res, describe(details.link())
                .put("status", details.state().name().toLowerCase(Locale.ROOT))
                .put("totalClicks", details.totalClicks()));
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Shortener.AsCaller caller = shortener.as(access.caller(req, res));
        Granularity granularity = Granularity.parse(req.query().first("granularity").orElse("hour"));
        Optional<Instant> from = req.query().first("from").asOptional().map(LinksService::instantParam);
        Optional<Instant> to = req.query().first("to").asOptional().map(LinksService::instantParam);
        LinkStats stats = caller.stats(req.path().pathParameters().get("code"), from, to, granularity);
        ClickSeries series = stats.series();
        ObjectNode body = Json.object()
                .put("code", stats.code().value())
                .put("totalClicks", stats.totalClicks())
                .put("last24h", stats.last24h())
                .put("last7d", stats.last7d())
                .put("from", series.from().toString())
                .put("to", series.to().toString())
                .put("granularity", granularity.name().toLowerCase(Locale.ROOT));
        var points = body.putArray("series");
        for (ClickSeries.Point p : series.points()) {
            points.addObject().put("ts", p.ts().toString()).put("clicks", p.clicks());
        }
        Json.send(res, body);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        shortener.as(access.caller(req, res)).delete(req.path().pathParameters().get("code"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private ObjectNode describe(Link link) {
        ObjectNode body = Json.object()
                .put("code", link.code().value())
                .put("shortUrl", config.shortUrl(link.code().value()))
                .put("url", link.url())
                .put("createdAt", link.createdAt().toString());
        if (link.expiresAt() != null) {
            body.put("expiresAt", link.expiresAt().toString());
        } else {
            body.putNull("expiresAt");
        }
        return body;
    }

    /** The value of a field already checked to be a string or null; empty when absent or null. */
    private static Optional<String> text(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    /** The syntax of expiresAt (of a link, or of a key); that it lies in the future is the front door's rule. */
    static Instant expiry(String value) {
        return instant(value, InputRule.EXPIRY_INVALID, "expiresAt ");
    }

    private static Instant instantParam(String value) {
        return instant(value, InputRule.STATS_RANGE_INVALID, "");
    }

    private static Instant instant(String value, InputRule rule, String field) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InputRejectedException(rule, field + "'" + value + "' is not an ISO-8601 instant such as 2030-01-01T00:00:00Z");
        }
    }
}
