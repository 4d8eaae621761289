package io.shortlink.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.shortlink.core.access.Caller;
import io.shortlink.core.access.NotPermittedException;
import io.shortlink.core.access.Scope;

/**
 * The shortener's one front door: every use-case of the service — create a link, follow it (the
 * redirect, which counts the click), read its details and statistics, delete it — over ports
 * the host supplies. The HTTP server is one adapter over it; a library user calls it directly.
 *
 * <pre>{@code
 * InMemoryStore store = new InMemoryStore();                 // or the server's JDBC store and ledger
 * try (ClickBatcher clicks = ClickBatcher.builder(store).start()) {
 *     Shortener shortener = Shortener.builder().store(store).stats(store).clicks(clicks).build();
 *     Link link = shortener.create(NewLink.to("https://example.org/launch"));
 *     if (shortener.follow(link.code()) instanceof Redirect.To to) {
 *         sendRedirect(to.link().url());                    // the click is counted
 *     }
 *     clicks.flush(Duration.ofSeconds(1));
 *     shortener.details(link.code()).totalClicks();          // 1
 * }
 * }</pre>
 *
 * <p>The rules it holds: the URL policy and the expiry rule on create; an alias or a generated
 * code, retried when a generated one is taken ({@value #MAX_CODE_ATTEMPTS} draws); the cache told
 * after every write (a code looked up before it existed may be remembered as absent; a deleted
 * link must stop redirecting); a link redirects only while active, and a redirect counts its
 * click through the {@link ClickSink} as {@link Delivery} says. Reads of details and statistics
 * go to the store, never the cache, so they are authoritative.
 *
 * <p>Failures: bad input throws {@link InputRejectedException} naming the {@link InputRule}
 * broken; a taken alias {@link LinkStore.CodeTakenException}; an unknown code
 * {@link LinkNotFoundException} (reads, delete) or {@link Redirect.Unknown} (follow); a deleted
 * link {@link LinkGoneException} (reads); a store that cannot be reached
 * {@link StoreUnavailableException}. Thread-safe when its ports are.
 */
public final class Shortener {
    /** A fresh random code collides with probability ~1e-5 at 100M links: 5 draws never all do. */
    public static final int MAX_CODE_ATTEMPTS = 5;

    private final LinkStore store;
    private final LinkResolver resolver;
    private final ClickSink clicks;
    private final ClickStats stats;
    private final UrlPolicy policy;
    private final TargetScreen screen;
    /** Whether a redirect asks the screen again (targets blocked after their link was made). */
    private final boolean screenRedirects;
    private final CodeGenerator codes;
    private final InstantSource clock;
    private final Delivery delivery;
    private final Set<String> reserved;

    private Shortener(Builder b) {
        this.store = b.store;
        this.resolver = b.resolver != null ? b.resolver : LinkResolver.direct(b.store);
        this.clicks = b.clicks;
        this.stats = b.stats;
        this.policy = b.policy;
        this.screen = b.screen;
        this.screenRedirects = b.screenRedirects;
        this.codes = b.codes;
        this.clock = b.clock;
        this.delivery = b.delivery;
        this.reserved = b.reserved;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- create -------------------------------------------------------------------------------

    /**
     * Creates a link: the target through the URL policy, the expiry in the future, the alias as
     * asked or a generated code.
     *
     * @throws InputRejectedException        a rule of the URL policy, the expiry or the alias
     * @throws LinkStore.CodeTakenException  the alias is taken (or was, by a link since deleted)
     * @throws IllegalStateException         {@value #MAX_CODE_ATTEMPTS} generated codes in a row
     *                                       were taken: the code space is nearly full
     */
    public Link create(NewLink request) {
        return create(request, Optional.empty());
    }

    private Link create(NewLink request, Optional<String> owner) {
        Objects.requireNonNull(request, "request");
        String target = policy.check(request.url());
        Optional<String> blocked = screen.refusal(target);
        if (blocked.isPresent()) {
            throw new InputRejectedException(InputRule.URL_BLOCKED, blocked.get());
        }
        Instant now = clock.instant();
        Optional<Instant> expiry = request.expiresAt();
        if (expiry.isPresent() && !expiry.get().isAfter(now)) {
            throw new InputRejectedException(InputRule.EXPIRY_INVALID, "expiresAt " + expiry.get() + " is not in the future");
        }
        Link link;
        if (request.alias().isPresent()) {
            link = Link.created(ShortCode.alias(request.alias().get(), reserved), target, now, expiry);
            store.create(link, owner);
        } else {
            link = createWithGeneratedCode(target, now, expiry, owner);
        }
        // A lookup of this code before it existed may be remembered as absent.
        resolver.invalidate(link.code());
        return link;
    }

    private Link createWithGeneratedCode(String target, Instant now, Optional<Instant> expiry, Optional<String> owner) {
        for (int attempt = 1; ; attempt++) {
            Link link = Link.created(codes.next(), target, now, expiry);
            try {
                store.create(link, owner);
                return link;
            } catch (LinkStore.CodeTakenException e) {
                if (attempt == MAX_CODE_ATTEMPTS) {
                    throw new IllegalStateException(MAX_CODE_ATTEMPTS + " generated codes in a row were taken: the code "
                            + "space is nearly full; use longer codes", e);
                }
            }
        }
    }

    // ---- the redirect -------------------------------------------------------------------------

    /**
     * The redirect: where {@code code} leads now, its click counted when it leads somewhere.
     * Served from the resolver (the cache), so it may trail a write by the cache's bounds.
     *
     * @throws StoreUnavailableException when no tier of the resolver could answer
     */
    public Redirect follow(ShortCode code) {
        return resolve(code, true);
    }

    /** {@link #follow(ShortCode)} of a code given as text (a path segment, say); text that cannot be a code is unknown. */
    public Redirect follow(String code) {
        return resolve(code, true);
    }

    /** What {@link #follow} would answer, without counting a click (link checkers, HEAD requests). */
    public Redirect peek(String code) {
        return resolve(code, false);
    }

    private Redirect resolve(String text, boolean click) {
        Optional<ShortCode> code = ShortCode.parse(text);
        return code.isEmpty() ? Redirect.UNKNOWN : resolve(code.get(), click);
    }

    private Redirect resolve(ShortCode code, boolean click) {
        Optional<Link> found = resolver.resolve(code);
        if (found.isEmpty()) {
            return Redirect.UNKNOWN;
        }
        Link link = found.get();
        Instant now = clock.instant();
        Link.State state = link.stateAt(now);
        if (state != Link.State.ACTIVE) {
            return new Redirect.Gone(link, state);
        }
        if (screenRedirects) {
            Optional<String> refusal = screen.refusal(link.url());
            if (refusal.isPresent()) {
                return new Redirect.Blocked(link, refusal.get());
            }
        }
        if (click) {
            count(Click.of(code, now));
        }
        return new Redirect.To(link);
    }

    /**
     * Buffered: hand the click over and go on. Acked: wait (this thread only) until the click is
     * durable, at most the delivery's timeout; past it the redirect goes on anyway and the click
     * stays with the sink, which counts the wait: a slow sink costs latency, never the redirect.
     */
    private void count(Click click) {
        if (delivery.acked()) {
            try {
                clicks.appendAcknowledged(click, delivery.timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            clicks.append(click);
        }
    }

    // ---- reads --------------------------------------------------------------------------------

    /**
     * The link as the store holds it (expired links included), with its state now and its clicks.
     *
     * @throws LinkNotFoundException no link ever had this code
     * @throws LinkGoneException     the link was deleted
     */
    public LinkDetails details(ShortCode code) {
        Link link = existing(code);
        return new LinkDetails(link, link.stateAt(clock.instant()), stats.totalClicks(code));
    }

    /** {@link #details(ShortCode)} of a code given as text; text that cannot be a code is not found. */
    public LinkDetails details(String code) {
        return details(known(code));
    }

    /**
     * The clicks of a link: its total, the last 24 hours and 7 days, and a series over
     * {@code [from, to)} in buckets of {@code granularity}. {@code to} defaults to now,
     * {@code from} to {@code to} minus the granularity's {@link Granularity#defaultWindow()}.
     * The range is checked before the store is asked: a bad range is refused whatever the code.
     *
     * @throws InputRejectedException a range that is empty, reversed or holds more than
     *                                {@link ClickSeries#MAX_POINTS} buckets
     * @throws LinkNotFoundException  no link ever had this code
     * @throws LinkGoneException      the link was deleted
     */
    public LinkStats stats(String code, Optional<Instant> from, Optional<Instant> to, Granularity granularity) {
        Objects.requireNonNull(granularity, "granularity");
        Instant now = clock.instant();
        Instant end = to.orElse(now);
        Instant start = from.orElse(end.minus(granularity.defaultWindow()));
        ClickSeries.of(start, end, granularity, List.of());
        ShortCode linkCode = existing(known(code)).code();
        ClickSeries series = ClickSeries.of(start, end, granularity, stats.minutes(linkCode, start, end));
        ClickStats.Sums recent = stats.sumsSince(linkCode, now.minus(Duration.ofDays(7)), now.minus(Duration.ofHours(24)));
        return new LinkStats(linkCode, stats.totalClicks(linkCode), recent.recent(), recent.since(), series);
    }

    /** Links ever created and clicks ever recorded. */
    public ClickStats.Totals totals() {
        return stats.totals();
    }

    /** The code {@code text} names, or {@link LinkNotFoundException} when it cannot be one. */
    private static ShortCode known(String text) {
        return ShortCode.parse(text).orElseThrow(() -> new LinkNotFoundException(text));
    }

    private Link existing(ShortCode code) {
        Link link = store.find(code).orElseThrow(() -> new LinkNotFoundException(code.value()));
        if (link.deletion().isPresent()) {
            throw new LinkGoneException(link);
        }
        return link;
    }

    // ---- delete -------------------------------------------------------------------------------

    /**
     * Deletes a link: it stops redirecting at once in this process (and, through the resolver's
     * invalidation, in every instance it reaches); its code is never given out again. Deleting a
     * deleted link changes nothing.
     *
     * @return the link as deleted
     * @throws LinkNotFoundException no link ever had this code
     */
    public Link delete(String code) {
        Link deleted = store.delete(known(code), clock.instant()).orElseThrow(() -> new LinkNotFoundException(code));
        // After the write: a reader racing us may reload the old row into the cache only before
        // this line, never after it.
        resolver.invalidate(deleted.code());
        return deleted;
    }

    // ---- on behalf of a caller -----------------------------------------------------------------

    /** The largest page {@link AsCaller#list} gives. */
    public static final int MAX_PAGE = 200;
    /** The page {@link AsCaller#list} gives when none is asked for. */
    public static final int DEFAULT_PAGE = 50;

    /**
     * This front door as {@code caller} may use it: each call first checks the scope it needs,
     * and a caller that is not an admin sees and changes only the links its key created. Another
     * key's link answers as if it did not exist ({@link LinkNotFoundException}: a 404 discloses
     * nothing), whatever its state.
     */
    public AsCaller as(Caller caller) {
        return new AsCaller(Objects.requireNonNull(caller, "caller"));
    }

    /** The use-cases of the API on behalf of one caller; see {@link Shortener#as(Caller)}. */
    public final class AsCaller {
        private final Caller caller;

        private AsCaller(Caller caller) {
            this.caller = caller;
        }

        /**
         * {@link Shortener#create(NewLink)}, the link owned by the caller's key.
         *
         * @throws NotPermittedException without {@code links:create}
         */
        public Link create(NewLink request) {
            caller.require(Scope.LINKS_CREATE);
            return Shortener.this.create(request, caller.owner());
        }

        /** {@link Shortener#details(String)} of one of the caller's links ({@code links:read}). */
        public LinkDetails details(String code) {
            return Shortener.this.details(own(Scope.LINKS_READ, code));
        }

        /** {@link Shortener#stats} of one of the caller's links ({@code stats:read}). */
        public LinkStats stats(String code, Optional<Instant> from, Optional<Instant> to, Granularity granularity) {
            return Shortener.this.stats(own(Scope.STATS_READ, code).value(), from, to, granularity);
        }

        /** {@link Shortener#delete(String)} of one of the caller's links ({@code links:delete}). */
        public Link delete(String code) {
            return Shortener.this.delete(own(Scope.LINKS_DELETE, code).value());
        }

        /**
         * The caller's links (an admin's: every link) not deleted, newest first, a page at a time
         * ({@code links:read}).
         *
         * @param cursor the {@link Page#next()} of the previous page; empty for the first
         * @param limit  1 to {@value Shortener#MAX_PAGE}
         * @throws InputRejectedException a cursor no page gave, or a limit out of range
         */
        public Page list(Optional<String> cursor, int limit) {
            caller.require(Scope.LINKS_READ);
            if (limit < 1 || limit > MAX_PAGE) {
                throw new InputRejectedException(InputRule.PAGE_LIMIT_INVALID, "limit was " + limit);
            }
            OptionalLong before = cursor.isEmpty() ? OptionalLong.empty() : OptionalLong.of(position(cursor.get()));
            LinkPage page = store.list(caller.isAdmin() ? Optional.empty() : caller.owner(), before, limit);
            Instant now = clock.instant();
            List<LinkDetails.Listed> links = page.links().stream()
                    .map(link -> new LinkDetails.Listed(link, link.stateAt(now))).toList();
            return new Page(links, page.next().isPresent() ? Optional.of(Long.toString(page.next().getAsLong(), 36))
                    : Optional.empty());
        }

        /** {@link Shortener#totals()}, across every key's links: {@code admin} only. */
        public ClickStats.Totals totals() {
            caller.require(Scope.ADMIN);
            return Shortener.this.totals();
        }

        private ShortCode own(Scope scope, String text) {
            caller.require(scope);
            ShortCode code = known(text);
            // A caller without a key of its own (anonymous) owns nothing, not the links no key owns.
            if (!caller.isAdmin() && (caller.owner().isEmpty() || !store.ownerOf(code).equals(caller.owner()))) {
                throw new LinkNotFoundException(text);
            }
            return code;
        }

        private static long position(String cursor) {
            try {
                long position = Long.parseLong(cursor, 36);
                if (position > 0) {
                    return position;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new InputRejectedException(InputRule.PAGE_CURSOR_INVALID, "cursor '" + cursor + "' was given by no page");
        }
    }

    /**
     * A page of {@link AsCaller#list}.
     *
     * @param links the links and their states now
     * @param next  the cursor of the next page; empty on the last
     */
    public record Page(List<LinkDetails.Listed> links, Optional<String> next) {
        public Page {
            links = List.copyOf(links);
        }
    }

    // ---- configuration ------------------------------------------------------------------------

    /**
     * When a redirect's click counts as delivered: {@link #buffered()} hands it to the sink and
     * goes on; {@link #acked(Duration)} waits until the sink says it is durable (for the Kafka
     * sink: acknowledged by Kafka or forced to its spill), at most {@code timeout}.
     */
    public record Delivery(boolean acked, Duration timeout) {
        public Delivery {
            Objects.requireNonNull(timeout, "timeout");
            if (acked && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("an acked delivery needs a positive timeout, was " + timeout);
            }
        }

        public static Delivery buffered() {
            return new Delivery(false, Duration.ZERO);
        }

        public static Delivery acked(Duration timeout) {
            return new Delivery(true, timeout);
        }
    }

    /** Builds a {@link Shortener}: the store, the click stats and the click sink are required. */
    public static final class Builder {
        private LinkStore store;
        private LinkResolver resolver;
        private ClickSink clicks;
        private ClickStats stats;
        private UrlPolicy policy = UrlPolicy.create(UrlPolicyConfig.defaults());
        private TargetScreen screen = TargetScreen.none();
        private boolean screenRedirects;
        private CodeGenerator codes = CodeGenerator.secure(CodeGenerator.DEFAULT_LENGTH);
        private InstantSource clock = InstantSource.system();
        private Delivery delivery = Delivery.buffered();
        private Set<String> reserved = ShortCode.RESERVED;

        private Builder() {
        }

        /**
         * Words that cannot be aliases, compared case-insensitively: the host's own first path
         * segments (a server's {@code api}, say) and whatever else it keeps back;
         * {@link ShortCode#RESERVED} by default.
         */
        public Builder reserved(Set<String> words) {
            Set<String> lower = new java.util.HashSet<>();
            for (String word : Objects.requireNonNull(words, "words")) {
                lower.add(word.toLowerCase(java.util.Locale.ROOT));
            }
            this.reserved = Set.copyOf(lower);
            return this;
        }

        /** Where links live. Required. */
        public Builder store(LinkStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** How the redirect finds a link, usually a cache over the store; the store itself by default. */
        public Builder resolver(LinkResolver value) {
            this.resolver = Objects.requireNonNull(value, "resolver");
            return this;
        }

        /** Where redirects hand their clicks. Required. */
        public Builder clicks(ClickSink value) {
            this.clicks = Objects.requireNonNull(value, "clicks");
            return this;
        }

        /** Where the counts of those clicks are read. Required. */
        public Builder stats(ClickStats value) {
            this.stats = Objects.requireNonNull(value, "stats");
            return this;
        }

        /** Which targets may be shortened; {@code UrlPolicy.create(UrlPolicyConfig.defaults())} by default. */
        public Builder policy(UrlPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /** Which targets are refused beyond the policy's rules (a blocklist); none by default. */
        public Builder screen(TargetScreen value) {
            this.screen = Objects.requireNonNull(value, "screen");
            return this;
        }

        /**
         * Whether each redirect asks the screen too, so a link made before its host was listed
         * stops redirecting ({@link Redirect.Blocked}); off by default. Costs one screen call per
         * redirect (HostBlocklist: a host parse and a few set lookups, docs/security.md).
         */
        public Builder screenRedirects(boolean value) {
            this.screenRedirects = value;
            return this;
        }

        /** How codes are generated; {@code CodeGenerator.secure(7)} by default. */
        public Builder codes(CodeGenerator value) {
            this.codes = Objects.requireNonNull(value, "codes");
            return this;
        }

        /** The wall clock of creation, expiry and clicks; {@link InstantSource#system()} by default. */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** {@link Delivery#buffered()} by default. */
        public Builder delivery(Delivery value) {
            this.delivery = Objects.requireNonNull(value, "delivery");
            return this;
        }

        /** @throws IllegalStateException naming each required part that is missing */
        public Shortener build() {
            List<String> missing = new ArrayList<>();
            if (store == null) {
                missing.add("store (a LinkStore: where links live, e.g. InMemoryStore or a JDBC store)");
            }
            if (stats == null) {
                missing.add("stats (a ClickStats: where click counts are read, e.g. the same InMemoryStore)");
            }
            if (clicks == null) {
                missing.add("clicks (a ClickSink: where redirects hand their clicks, e.g. a ClickBatcher)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Shortener.builder() is missing " + String.join("; ", missing));
            }
            return new Shortener(this);
        }
    }
}
