package io.shortlink.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.shortlink.core.InputRejectedException;
import io.shortlink.core.InputRule;
import io.shortlink.core.access.ApiKey;
import io.shortlink.core.access.ApiKeys;
import io.shortlink.core.access.Scope;

import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/keys}, for {@code admin} keys: issue a key (its token is in this one answer
 * only), list keys (never a token), revoke a key. Adapts HTTP to {@link ApiKeys}, whose rules
 * (label, scopes, expiry) arrive as {@link InputRejectedException}s.
 */
final class KeysService implements HttpService {
    private static final System.Logger LOG = System.getLogger(KeysService.class.getName());
    private static final Set<String> ISSUE_FIELDS = Set.of("label", "scopes", "expiresAt");

    private final ApiKeys keys;
    private final Access access;
    private final ShortlinkConfig config;
    private final InstantSource clock;

    KeysService(ApiKeys keys, Access access, ShortlinkConfig config, InstantSource clock) {
        this.keys = keys;
        this.access = access;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::issue)
                .get("/", this::list)
                .delete("/{id}", this::revoke);
    }

    private void issue(ServerRequest req, ServerResponse res) {
        access.require(req, res, Scope.ADMIN);
        Optional<ObjectNode> json = Json.requestObject(req, res, ISSUE_FIELDS,
                "{\"label\": \"ci\", \"scopes\": [\"links:create\"]}");
        if (json.isEmpty()) {
            return;
        }
        ObjectNode request = json.get();
        JsonNode label = request.path("label");
        JsonNode expiresAt = request.path("expiresAt");
        if (!label.isMissingNode() && !label.isTextual() || !expiresAt.isMissingNode() && !expiresAt.isTextual()
                && !expiresAt.isNull()) {
            Problems.send(req, res, ProblemType.INVALID_FIELD, "'label' and 'expiresAt' must be strings");
            return;
        }
        ApiKeys.IssuedKey issued = keys.issue(label.asText(null), scopes(request.path("scopes")),
                expiresAt.isTextual() ? Optional.of(LinksService.expiry(expiresAt.asText())) : Optional.empty());
        // An audit trail of who may do what; the token itself is never logged.
        LOG.log(System.Logger.Level.INFO, "event=api-key-issued id={0} scopes={1} expires={2}", issued.key().id(),
                issued.key().scopes(), issued.key().expiry().map(Instant::toString).orElse("never"));
        res.status(Status.CREATED_201);
        res.header(HeaderNames.LOCATION, config.baseUrl() + "/api/v1/keys/" + issued.key().id());
        Json.send(res, describe(issued.key()).put("token", issued.token()));
    }

    private void list(ServerRequest req, ServerResponse res) {
        access.require(req, res, Scope.ADMIN);
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("keys");
        for (ApiKey key : keys.list()) {
            list.add(describe(key));
        }
        Json.send(res, body);
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        access.require(req, res, Scope.ADMIN);
        String id = req.path().pathParameters().get("id");
        if (keys.revoke(id).isEmpty()) {
            Problems.send(req, res, ProblemType.KEY_NOT_FOUND, null);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "event=api-key-revoked id={0}", id);
        res.status(Status.NO_CONTENT_204).send();
    }

    private ObjectNode describe(ApiKey key) {
        ObjectNode body = Json.object()
                .put("id", key.id())
                .put("label", key.label());
        ArrayNode scopes = body.putArray("scopes");
        key.scopes().stream().sorted().forEach(s -> scopes.add(s.wireName()));
        body.put("state", key.stateAt(clock.instant()).name().toLowerCase(Locale.ROOT))
                .put("createdAt", key.createdAt().toString());
        putInstant(body, "expiresAt", key.expiresAt());
        putInstant(body, "revokedAt", key.revokedAt());
        putInstant(body, "lastUsedAt", key.lastUsedAt());
        return body;
    }

    private static void putInstant(ObjectNode body, String field, Instant value) {
        if (value == null) {
            body.putNull(field);
        } else {
            body.put(field, value.toString());
        }
    }

    private static Set<Scope> scopes(JsonNode node) {
        if (!node.isArray()) {
            throw new InputRejectedException(InputRule.KEY_SCOPES_INVALID, "scopes must be a list such as [\"links:create\"]");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode name : node) {
            scopes.add(Scope.fromWireName(name.asText()).filter(s -> name.isTextual()).orElseThrow(() ->
                    new InputRejectedException(InputRule.KEY_SCOPES_INVALID, "unknown scope " + name)));
        }
        return scopes;
    }

}
