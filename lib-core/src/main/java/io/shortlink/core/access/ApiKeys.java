package io.shortlink.core.access;

import io.shortlink.core.CodeGenerator;
import io.shortlink.core.InputRejectedException;
import io.shortlink.core.InputRule;
import io.shortlink.core.access.NotAuthenticatedException.Reason;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.random.RandomGenerator;

/**
 * Issues, checks and revokes API keys: the front door of access control.
 *
 * <p>A token reads {@code slk_<id>_<secret>}: {@code id} is 10 base62 characters that find the
 * key's row and may be shown and logged; {@code secret} is 256 random bits (43 base64url
 * characters). The store keeps only the SHA-256 hash of the whole token: a token this random
 * needs no slow password hash, since no dictionary or brute force can reach it, and a leaked
 * table reveals no usable key. Hashes are compared in constant time.
 *
 * <p>Contract: thread-safe. {@link #authenticate(String)} costs one store read and, at most once
 * a minute per key, one write ({@link ApiKey#lastUsedAt()}).
 */
public final class ApiKeys {
    /** The longest label a key may have. */
    public static final int MAX_LABEL_LENGTH = 200;
    /** How often a key's last use is written at the most: a write per request would cost more than the request. */
    public static final Duration LAST_USE_RESOLUTION = Duration.ofMinutes(1);

    private static final String PREFIX = "slk_";
    private static final int ID_LENGTH = 10;
    private static final int SECRET_BYTES = 32;
    private static final int SECRET_LENGTH = 43; // 32 bytes in unpadded base64url
    private static final int TOKEN_LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;
    private static final int MAX_ID_ATTEMPTS = 5;

    private final ApiKeyStore store;
    private final InstantSource clock;
    private final RandomGenerator random;
    /** Draws key ids: base62, as codes are. */
    private final CodeGenerator ids;
    /** When each key's last use was last written, so that it is written once a minute at most. */
    private final ConcurrentMap<String, Instant> lastUseWritten = new ConcurrentHashMap<>();

    private ApiKeys(ApiKeyStore store, InstantSource clock, RandomGenerator random) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.ids = CodeGenerator.using(random, ID_LENGTH);
    }

    /** Keys in {@code store}, dated by the system clock, drawn from a {@link SecureRandom}. */
    public static ApiKeys over(ApiKeyStore store) {
        return new ApiKeys(store, InstantSource.system(), new SecureRandom());
    }

    /** Keys in {@code store}, dated by {@code clock}, drawn from a {@link SecureRandom}. */
    public static ApiKeys over(ApiKeyStore store, InstantSource clock) {
        return new ApiKeys(store, clock, new SecureRandom());
    }

    /** For tests: a clock to move and a repeatable source of tokens. */
    public static ApiKeys over(ApiKeyStore store, InstantSource clock, RandomGenerator random) {
        return new ApiKeys(store, clock, random);
    }

    /**
     * Issues a key. The returned token is the only time it exists outside its holder: show it
     * once and do not log it.
     *
     * @param label     what the key is for (1 to {@value #MAX_LABEL_LENGTH} characters)
     * @param expiresAt when the key stops working; empty for never
     * @throws InputRejectedException naming the rule a label, an empty {@code scopes} or an
     *         {@code expiresAt} not in the future breaks
     */
    public IssuedKey issue(String label, Set<Scope> scopes, Optional<Instant> expiresAt) {
        Instant now = clock.instant();
        if (label == null || label.isBlank() || label.length() > MAX_LABEL_LENGTH) {
            throw new InputRejectedException(InputRule.KEY_LABEL_INVALID, label == null || label.isBlank()
                    ? "label is missing or blank" : "label has " + label.length() + " characters");
        }
        if (scopes.isEmpty()) {
            throw new InputRejectedException(InputRule.KEY_SCOPES_INVALID, "a key needs at least one scope");
        }
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new InputRejectedException(InputRule.EXPIRY_INVALID, "expiresAt " + expiresAt.get()
                    + " is not in the future");
        }
        for (int attempt = 1; ; attempt++) {
            String id = ids.next().value();
            byte[] secret = new byte[SECRET_BYTES];
            random.nextBytes(secret);
            String token = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            ApiKey key = new ApiKey(id, label, scopes, now, expiresAt.orElse(null), null, null);
            try {
                store.create(key, sha256(token));
                return new IssuedKey(key, token);
            } catch (IllegalStateException taken) {
                // 62^10 ids make this a once-in-a-lifetime event; a few draws bound it.
                if (attempt == MAX_ID_ATTEMPTS) {
                    throw taken;
                }
            }
        }
    }

    /**
     * The first admin key, when the store holds no key at all: what a fresh installation needs
     * for its first call. Empty when any key exists, revoked ones included.
     */
    public Optional<IssuedKey> issueFirstAdmin() {
        if (!store.list().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(issue("admin (issued at first start)", Set.of(Scope.ADMIN), Optional.empty()));
    }

    /**
     * The caller a token stands for.
     *
     * @param token the token as sent, or {@code null} when none was
     * @throws NotAuthenticatedException saying why the token is not accepted; the token is never in it
     */
    public Caller authenticate(String token) {
        if (token == null || token.isEmpty()) {
            throw new NotAuthenticatedException(Reason.MISSING);
        }
        String id = idOf(token).orElseThrow(() -> new NotAuthenticatedException(Reason.MALFORMED));
        Optional<ApiKeyStore.Stored> stored = store.find(id);
        byte[] hash = sha256(token);
        if (stored.isEmpty() || !MessageDigest.isEqual(hash, stored.get().tokenHash())) {
            throw new NotAuthenticatedException(Reason.UNKNOWN);
        }
        ApiKey key = stored.get().key();
        Instant now = clock.instant();
        switch (key.stateAt(now)) {
            case REVOKED -> throw new NotAuthenticatedException(Reason.REVOKED);
            case EXPIRED -> throw new NotAuthenticatedException(Reason.EXPIRED);
            case ACTIVE -> noteUse(key, now);
        }
        return new Caller(key.id(), key.scopes());
    }

    /** Every key, oldest first (ids, labels, scopes, dates; never a secret). */
    public List<ApiKey> list() {
        return store.list();
    }

    /** Revokes the key of {@code id}: it stops authenticating at once. Empty if there is no such key. */
    public Optional<ApiKey> revoke(String id) {
        return store.revoke(Objects.requireNonNull(id, "id"), clock.instant());
    }

    private void noteUse(ApiKey key, Instant now) {
        Instant written = lastUseWritten.get(key.id());
        if (written == null && key.lastUsedAt() != null) {
            written = key.lastUsedAt();
        }
        if (written != null && now.isBefore(written.plus(LAST_USE_RESOLUTION))) {
            return;
        }
        lastUseWritten.put(key.id(), now);
        store.markUsed(key.id(), now);
    }

    /** The id of a token of the right form. */
    static Optional<String> idOf(String token) {
        if (token.length() != TOKEN_LENGTH || !token.startsWith(PREFIX) || token.charAt(PREFIX.length() + ID_LENGTH) != '_') {
            return Optional.empty();
        }
        String id = token.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        for (int i = 0; i < id.length(); i++) {
            if (!CodeGenerator.isCodeCharacter(id.charAt(i))) {
                return Optional.empty();
            }
        }
        for (int i = PREFIX.length() + ID_LENGTH + 1; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(CodeGenerator.isCodeCharacter(c) || c == '-' || c == '_')) {
                return Optional.empty();
            }
        }
        return Optional.of(id);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * A key just issued and its token.
     *
     * @param token the whole token, {@code slk_<id>_<secret>}; shown once, never stored
     */
    public record IssuedKey(ApiKey key, String token) {
        @Override
        public String toString() {
            // Never print the token by accident (a log line of this record, a test failure).
            return "IssuedKey[key=" + key + ", token=slk_" + key.id() + "_…]";
        }
    }
}
