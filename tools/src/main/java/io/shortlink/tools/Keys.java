package io.shortlink.tools;

import io.shortlink.core.InputRejectedException;
import io.shortlink.core.access.ApiKey;
import io.shortlink.core.access.ApiKeys;
import io.shortlink.core.access.Scope;
import io.shortlink.core.jdbc.JdbcApiKeyStore;
import io.shortlink.server.StackDatabase;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Manages API keys in a stack's database directly, for operators and scripts (the API's
 * {@code /api/v1/keys} does the same for an admin key's holder).
 *
 * <pre>
 * java -cp shortlink-tools.jar:shortlink-server.jar io.shortlink.tools.Keys [--stack S] create --label L --scope SCOPE... [--expires ISO]
 *                                                                          [--stack S] list
 *                                                                          [--stack S] revoke ID
 * </pre>
 *
 * Run it through {@code scripts/keys}. {@code create} prints the token alone on standard output
 * (so that {@code $(scripts/keys create ...)} captures it) and what it issued on standard error.
 */
public final class Keys {
    private static final String USAGE = "usage: [--stack S] create --label L --scope SCOPE [--scope ...] [--expires ISO] | "
            + "list | revoke ID   (scopes: links:create links:read links:delete stats:read admin)";

    private Keys() {
    }

    public static void main(String[] args) {
        String stack = "embedded";
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--stack") && i + 1 < args.length) {
                stack = args[++i];
            } else {
                rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            fail(USAGE);
        }
        // The pool's and the migrations' start-up lines would drown the one line this prints.
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        try (StackDatabase database = StackDatabase.open(stack)) {
            ApiKeys keys = ApiKeys.over(JdbcApiKeyStore.over(database.dataSource()));
            switch (rest.getFirst()) {
                case "create" -> create(keys, rest.subList(1, rest.size()));
                case "list" -> list(keys, System.out);
                case "revoke" -> revoke(keys, rest.subList(1, rest.size()));
                default -> fail("unknown command '" + rest.getFirst() + "'; " + USAGE);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            fail(e.getMessage());
        }
    }

    private static void create(ApiKeys keys, List<String> args) {
        String label = null;
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Optional<Instant> expires = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (args.get(i)) {
                case "--label" -> label = value;
                case "--scope" -> scopes.add(Scope.fromWireName(String.valueOf(value))
                        .orElseThrow(() -> new IllegalArgumentException("unknown scope '" + value + "'; " + USAGE)));
                case "--expires" -> expires = Optional.of(Instant.parse(String.valueOf(value)));
                default -> fail("unknown argument '" + args.get(i) + "'; " + USAGE);
            }
            i++;
        }
        try {
            ApiKeys.IssuedKey issued = keys.issue(label, scopes, expires);
            System.err.println("keys: issued " + describe(issued.key()) + " (the token is shown once)");
            System.out.println(issued.token());
        } catch (InputRejectedException e) {
            fail(e.rule().slug() + ": " + e.detail());
        }
    }

    private static void list(ApiKeys keys, PrintStream out) {
        out.printf("%-10s  %-7s  %-24s  %-20s  %-20s  %s%n", "ID", "STATE", "SCOPES", "CREATED", "LAST USED", "LABEL");
        Instant now = Instant.now();
        for (ApiKey key : keys.list()) {
            out.printf("%-10s  %-7s  %-24s  %-20s  %-20s  %s%n", key.id(), key.stateAt(now).name().toLowerCase(Locale.ROOT),
                    String.join(",", key.scopes().stream().sorted().map(Scope::wireName).toList()),
                    key.createdAt().toString().substring(0, 19), key.lastUse().map(t -> t.toString().substring(0, 19)).orElse("never"),
                    key.label());
        }
    }

    private static void revoke(ApiKeys keys, List<String> args) {
        if (args.size() != 1) {
            fail(USAGE);
        }
        ApiKey key = keys.revoke(args.getFirst()).orElseGet(() -> {
            fail("no key has the id '" + args.getFirst() + "'");
            return null;
        });
        System.err.println("keys: revoked " + describe(key));
    }

    private static String describe(ApiKey key) {
        return key.id() + " '" + key.label() + "' " + key.scopes() + key.expiry().map(t -> " until " + t).orElse("");
    }

    private static void fail(String message) {
        System.err.println("keys: " + message);
        System.exit(2);
    }
}
