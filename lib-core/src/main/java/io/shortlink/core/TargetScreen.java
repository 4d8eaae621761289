package io.shortlink.core;

import java.util.Optional;

/**
 * Decides whether a target may be shortened, after the {@link UrlPolicy} accepted its form: a
 * port for blocklists (phishing and malware hosts, a deployment's own rules). {@link Shortener}
 * asks it on every create and refuses a blocked target with {@link InputRule#URL_BLOCKED}.
 *
 * <p>Contract: thread-safe, fast (it runs on every create), no network I/O on the caller's
 * thread.
 */
@FunctionalInterface
public interface TargetScreen {

    /**
     * Why {@code url} may not be shortened, or empty when it may.
     *
     * @param url a target as {@link UrlPolicy#check} returned it (host in lower case, punycode)
     */
    Optional<String> refusal(String url);

    /** Screens nothing out. */
    static TargetScreen none() {
        return url -> Optional.empty();
    }
}
