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
import io.shortlink.core.CodeGenerator;
import io.shortlink.core.Granularity;
import io.shortlink.core.InputRejectedException;
import io.shortlink.core.InputRule;
import io.shortlink.core.Link;
import io.shortlink.core.LinkResolver;
import io.shortlink.core.LinkStore;
import io.shortlink.core.ShortCode;
import io.shortlink.core.UrlPolicy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/links}: create, read, stats, delete. Metadata and stats read the store, not the
 * redirect cache, so they are authoritative.
 */
final class LinksService implements HttpService {
    private static final Set<String> CREATE_FIELDS = Set.of("url", "alias", "expiresAt");
    /** A fresh random code collides with probability ~1e-5 at 100M links: 5 draws never all do. */
    private static final int MAX_CODE_ATTEMPTS = 5;

    private final LinkStore store;
    private final LinkResolver resolver;
    private final DbClickStats stats;
    private final UrlPolicy urlPolicy;
    private final CodeGenerator codes;
    private final InstantSource clock;
    private final ShortlinkConfig config;

    LinksService(LinkStore store, LinkResolver resolver, DbClickStats stats, UrlPolicy urlPolicy,
                 CodeGenerator codes, InstantSource clock, ShortlinkConfig config) {
        this.store = store;
        this.resolver = resolver;
        this.stats = stats;
        this.urlPolicy = urlPolicy;
        this.codes = codes;
        this.clock = clock;
        this.config = config;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/{code}", this::metadata)
                .get("/{code}/stats", this::stats)
                .delete("/{code}", this::delete);
    }

    private void create(ServerRequest req, ServerResponse res) {
        if (!isJson(req)) {
            Problems.send(req, res, ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type was " + req.headers().value(HeaderNames.CONTENT_TYPE).orElse("absent"));
            return;
        }
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        Optional<ObjectNode> json = Json.parseObject(body);
        if (json.isEmpty()) {
            Problems.send(req, res, ProblemType.MALFORMED_JSON, "expected an object such as {\"url\": \"https://example.org/\"}");
            return;
        }
        ObjectNode request = json.get();
        for (Iterator<Map.Entry<String, JsonNode>> fields = request.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!CREATE_FIELDS.contains(field.getKey())) {
                Problems.send(req, res, ProblemType.INVALID_FIELD, "unknown field '" + field.getKey() + "'; known: url, alias, expiresAt");
                return;
            }
            if (!field.getValue().isTextual() && !field.getValue().isNull()) {
                Problems.send(req, res, ProblemType.INVALID_FIELD, "'" + field.getKey() + "' must be a string");
                return;
            }
        }
        Optional<String> url = text(request, "url");
        Optional<String> alias = text(request, "alias");
        Optional<String> expiresAt = text(request, "expiresAt");
        String target = urlPolicy.check(url.orElse(null));
        Instant now = clock.instant();
        Optional<Instant> expiry = expiresAt.map(value -> expiry(value, now));

        Link link;
        if (alias.isPresent()) {
            link = Link.created(ShortCode.alias(alias.get()), target, now, expiry);
            try {
                store.create(link);
            } catch (LinkStore.CodeTakenException e) {
                Problems.send(req, res, ProblemType.CODE_TAKEN, "alias '" + alias.get() + "' is taken");
                return;
            }
        } else {
            link = createWithRandomCode(target, now, expiry);
        }
        // A lookup of this code before it existed may be remembered as absent.
        resolver.invalidate(link.code());
        res.status(Status.CREATED_201);
        res.header(HeaderNames.LOCATION, config.baseUrl() + "/api/v1/links/" + link.code().value());
        sendJson(res, describe(link));
    }

    private Link createWithRandomCode(String target, Instant now, Optional<Instant> expiry) {
        for (int attempt = 1; ; attempt++) {
            Link link = Link.created(codes.next(), target, now, expiry);
            try {
                store.create(link);
                return link;
            } catch (LinkStore.CodeTakenException e) {
                if (attempt == MAX_CODE_ATTEMPTS) {
                    throw new IllegalStateException(MAX_CODE_ATTEMPTS + " random codes in a row were taken: the code space is nearly full, raise shortlink.code-length");
                }
            }
        }
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        Optional<Link> link = existing(req, res);
        if (link.isEmpty()) {
            return;
        }
        ObjectNode body = describe(link.get())
                .put("status", link.get().stateAt(clock.instant()).name().toLowerCase(Locale.ROOT))
                .put("totalClicks", stats.totalClicks(link.get().code()));
        sendJson(res, body);
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Optional<String> fromParam = req.query().first("from").asOptional();
        Optional<String> toParam = req.query().first("to").asOptional();
        Granularity granularity = Granularity.parse(req.query().first("granularity").orElse("hour"));
        Instant now = clock.instant();
        Instant to = toParam.map(LinksService::instantParam).orElse(now);
        Instant from = fromParam.map(LinksService::instantParam).orElse(to.minus(Duration.ofHours(24)));
        // Validate the range before touching the store: a bad query is a 400 whatever the code.
        ClickSeries.of(from, to, granularity, List.of());

        Optional<Link> link = existing(req, res);
        if (link.isEmpty()) {
            return;
        }
        ShortCode code = link.get().code();
        ClickSeries series = ClickSeries.of(from, to, granularity, stats.minutes(code, from, to));
        DbClickStats.RecentSums recent = stats.sumsSince(code, now.minus(Duration.ofDays(7)), now.minus(Duration.ofHours(24)));
        ObjectNode body = Json.object()
                .put("code", code.value())
                .put("totalClicks", stats.totalClicks(code))
                .put("last24h", recent.recent())
                .put("last7d", recent.since())
                .put("from", from.toString())
                .put("to", to.toString())
                .put("granularity", granularity.name().toLowerCase(Locale.ROOT));
        var points = body.putArray("series");
        for (ClickSeries.Point p : series.points()) {
            points.addObject().put("ts", p.ts().toString()).put("clicks", p.clicks());
        }
        sendJson(res, body);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Optional<ShortCode> code = ShortCode.parse(req.path().pathParameters().get("code"));
        Optional<Link> deleted = code.flatMap(c -> store.delete(c, clock.instant()));
        if (deleted.isEmpty()) {
            Problems.send(req, res, ProblemType.NOT_FOUND, null);
            return;
        }
        // Invalidate after the write: a reader racing us may reload the old row into the cache
        // only before this line, never after it.
        resolver.invalidate(deleted.get().code());
        res.status(Status.NO_CONTENT_204).send();
    }

    /** The link of the path's code, or a 404/410 problem already sent. Expired links are shown. */
    private Optional<Link> existing(ServerRequest req, ServerResponse res) {
        Optional<Link> link = ShortCode.parse(req.path().pathParameters().get("code")).flatMap(store::find);
        if (link.isEmpty()) {
            Problems.send(req, res, ProblemType.NOT_FOUND, null);
            return Optional.empty();
        }
        if (link.get().stateAt(clock.instant()) == Link.State.DELETED) {
            Problems.send(req, res, ProblemType.GONE, "link was deleted");
            return Optional.empty();
        }
        return link;
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

    private static void sendJson(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(body));
    }

    private static boolean isJson(ServerRequest req) {
        return req.headers().value(HeaderNames.CONTENT_TYPE)
                .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
                .filter("application/json"::equals)
                .isPresent();
    }

    /** The value of a field already checked to be a string or null; empty when absent or null. */
    private static Optional<String> text(ObjectNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static Instant expiry(String value, Instant now) {
        Instant at;
        try {
            at = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InputRejectedException(InputRule.EXPIRY_INVALID, "expiresAt '" + value + "' is not an ISO-8601 instant such as 2030-01-01T00:00:00Z");
        }
        if (!at.isAfter(now)) {
            throw new InputRejectedException(InputRule.EXPIRY_INVALID, "expiresAt " + value + " is not in the future");
        }
        return at;
    }

    private static Instant instantParam(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InputRejectedException(InputRule.STATS_RANGE_INVALID, "'" + value + "' is not an ISO-8601 instant such as 2030-01-01T00:00:00Z");
        }
    }
}
