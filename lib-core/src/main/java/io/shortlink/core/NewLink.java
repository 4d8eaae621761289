package io.shortlink.core;

import java.time.Instant;
import java.util.Optional;

/**
 * What a caller asks {@link Shortener#create} for: a target, and optionally an alias and an
 * expiry. Nothing is checked here; {@code create} applies the rules and names the one broken.
 *
 * <pre>{@code
 * shortener.create(NewLink.to("https://example.org/a"));
 * shortener.create(NewLink.to("https://example.org/b").withAlias("launch").expiringAt(Instant.parse("2030-01-01T00:00:00Z")));
 * }</pre>
 *
 * @param url       the target, as given (the URL policy decides)
 * @param alias     the code wanted, or empty for a generated one
 * @param expiresAt when the link stops redirecting, or empty for never
 */
public record NewLink(String url, Optional<String> alias, Optional<Instant> expiresAt) {

    public NewLink {
        alias = alias == null ? Optional.empty() : alias;
        expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    }

    public static NewLink to(String url) {
        return new NewLink(url, Optional.empty(), Optional.empty());
    }

    public NewLink withAlias(String value) {
        return new NewLink(url, Optional.ofNullable(value), expiresAt);
    }

    public NewLink expiringAt(Instant value) {
        return new NewLink(url, alias, Optional.ofNullable(value));
    }
}
