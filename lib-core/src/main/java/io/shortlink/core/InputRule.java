package io.shortlink.core;

/**
 * Every rule a caller's input can break, each with a stable slug.
 *
 * <p>The slug is part of the public contract: the server turns it into the problem {@code type}
 * ({@code urn:shortlink:problem:<slug>}), so clients may switch on it. Never rename one; add new
 * rules instead.
 */
public enum InputRule {
    URL_MISSING("url-missing", "The url is missing or empty"),
    URL_TOO_LONG("url-too-long", "The url is longer than the allowed maximum"),
    URL_ILLEGAL_CHARACTER("url-illegal-character", "The url contains whitespace, a control character or a backslash"),
    URL_MALFORMED("url-malformed", "The url is not a well-formed absolute URL"),
    URL_SCHEME_NOT_ALLOWED("url-scheme-not-allowed", "Only absolute http and https URLs can be shortened"),
    URL_SCHEME_RELATIVE("url-scheme-relative", "A scheme-relative url (//host) is not allowed"),
    URL_USERINFO("url-userinfo", "The url must not carry credentials (user:pass@)"),
    URL_HOST_MISSING("url-host-missing", "The url has no host"),
    URL_HOST_INVALID("url-host-invalid", "The url's host is not a valid host name"),
    URL_HOST_PRIVATE("url-host-private", "The url points to a loopback, private, link-local, multicast, reserved or unspecified address"),
    URL_HOST_LOCALHOST("url-host-localhost", "The url points to localhost"),
    URL_HOST_SELF("url-host-self", "The url points to this shortener itself (a redirect loop)"),
    URL_BLOCKED("url-blocked", "The url's host is on this service's blocklist"),
    URL_PORT_INVALID("url-port-invalid", "The url's port is not between 1 and 65535"),

    ALIAS_INVALID("alias-invalid", "An alias is 4 to 64 characters of A-Z, a-z, 0-9, '_' and '-'"),
    ALIAS_RESERVED("alias-reserved", "The alias is a reserved word"),

    EXPIRY_INVALID("expiry-invalid", "expiresAt must be an ISO-8601 instant in the future"),
    STATS_RANGE_INVALID("stats-range-invalid", "from and to must be ISO-8601 instants with from before to"),
    STATS_GRANULARITY_INVALID("stats-granularity-invalid", "granularity is one of minute, hour, day"),
    STATS_TOO_MANY_POINTS("stats-too-many-points", "The range holds more buckets than allowed at this granularity"),

    PAGE_CURSOR_INVALID("page-cursor-invalid", "cursor must be the next value of an earlier page"),
    PAGE_LIMIT_INVALID("page-limit-invalid", "limit is a whole number from 1 to 200"),

    KEY_LABEL_INVALID("key-label-invalid", "A key's label is 1 to 200 characters, not all blank"),
    KEY_SCOPES_INVALID("key-scopes-invalid", "scopes is a non-empty list of links:create, links:read, links:delete, stats:read, admin");

    private final String slug;
    private final String title;

    InputRule(String slug, String title) {
        this.slug = slug;
        this.title = title;
    }

    /** Stable, lower-case, dash-separated identifier of the rule. */
    public String slug() {
        return slug;
    }

    /** One sentence stating the rule, fit for a problem's {@code title}. */
    public String title() {
        return title;
    }
}
