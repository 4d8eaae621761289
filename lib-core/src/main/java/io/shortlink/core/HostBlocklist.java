package io.shortlink.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link TargetScreen} that refuses targets by host, from a text file it reloads when the file
 * changes. One rule a line; {@code #} starts a comment:
 *
 * <pre>
 * phish.example        # this host only
 * .malware.example     # this domain and every host under it (also written *.malware.example)
 * bücher.example       # internationalized names are compared in punycode
 * </pre>
 *
 * <p>The file is looked at again, at most once per {@code checkEvery}, by the create that comes
 * after that time (no thread of its own); when its modification time or size changed it is read
 * anew. A file that cannot be read then (removed, half-written, unreadable) keeps the rules in
 * force: a broken edit never opens the gate. Thread-safe: rules are swapped as a whole.
 */
public final class HostBlocklist implements TargetScreen {
    private final Path file;
    private final InstantSource clock;
    private final long checkEveryMillis;
    private volatile Rules rules;
    private volatile long nextCheckMillis;

    private HostBlocklist(Path file, InstantSource clock, Duration checkEvery) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        ConfigRules.requirePositive("checkEvery", checkEvery);
        this.checkEveryMillis = checkEvery.toMillis();
        this.rules = Rules.read(file).orElseThrow(() -> new UncheckedIOException(
                new IOException("cannot read the blocklist " + file.toAbsolutePath())));
        this.nextCheckMillis = clock.millis() + checkEveryMillis;
    }

    /**
     * The rules in {@code file}, looked at again every {@code checkEvery}.
     *
     * @throws UncheckedIOException if the file cannot be read now (a start-up error: fix the path)
     */
    public static HostBlocklist watching(Path file, InstantSource clock, Duration checkEvery) {
        return new HostBlocklist(file, clock, checkEvery);
    }

    @Override
    public Optional<String> refusal(String url) {
        reloadIfDue();
        Rules current = rules;
        if (current.hosts.isEmpty() && current.domains.isEmpty()) {
            return Optional.empty();
        }
        String host = hostOf(url);
        if (host == null) {
            return Optional.empty(); // not a URL the policy passed; the policy is the judge of form
        }
        if (current.hosts.contains(host)) {
            return Optional.of("the host " + host + " is on the blocklist");
        }
        // The host itself first (a domain rule covers its own name), then each parent domain.
        for (String domain = host; ; ) {
            if (current.domains.contains(domain)) {
                return Optional.of("the host " + host + " is in the blocked domain " + domain);
            }
            int dot = domain.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            domain = domain.substring(dot + 1);
        }
    }

    /**
     * The host of an absolute URL, in lower case, without port or user info; {@code null} when it
     * has none. A scan rather than {@link URI}: screening runs on every redirect when asked, and the
     * URLs here passed {@link UrlPolicy} already (a well-formed authority).
     */
    static String hostOf(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int start = scheme + 3;
        int end = url.length();
        for (int i = start; i < end; i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at >= start) {
            start = at + 1;
        }
        if (start < end && url.charAt(start) == '[') {
            int close = url.indexOf(']', start);
            return close < 0 || close >= end ? null : url.substring(start, close + 1).toLowerCase(Locale.ROOT);
        }
        int colon = url.indexOf(':', start);
        if (colon >= 0 && colon < end) {
            end = colon;
        }
        return start == end ? null : url.substring(start, end).toLowerCase(Locale.ROOT);
    }

    /** How many rules are in force (hosts and domains). */
    public int size() {
        Rules current = rules;
        return current.hosts.size() + current.domains.size();
    }

    private void reloadIfDue() {
        long now = clock.millis();
        if (now < nextCheckMillis) {
            return;
        }
        synchronized (this) {
            if (now < nextCheckMillis) {
                return;
            }
            nextCheckMillis = now + checkEveryMillis;
            Rules current = rules;
            if (!current.sameFileAs(file)) {
                Rules.read(file).ifPresent(fresh -> rules = fresh);
            }
        }
    }

    /** One reading of the file. */
    private record Rules(Set<String> hosts, Set<String> domains, FileTime modified, long size) {

        static Optional<Rules> read(Path file) {
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                long size = Files.size(file);
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                Set<String> hosts = new HashSet<>();
                Set<String> domains = new HashSet<>();
                for (String line : lines) {
                    int hash = line.indexOf('#');
                    String rule = (hash >= 0 ? line.substring(0, hash) : line).strip().toLowerCase(Locale.ROOT);
                    if (rule.isEmpty()) {
                        continue;
                    }
                    boolean domain = rule.startsWith(".") || rule.startsWith("*.");
                    String name = ascii(rule.substring(rule.startsWith("*.") ? 2 : domain ? 1 : 0));
                    (domain ? domains : hosts).add(name);
                }
                return Optional.of(new Rules(Set.copyOf(hosts), Set.copyOf(domains), modified, size));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        boolean sameFileAs(Path file) {
            try {
                return Files.getLastModifiedTime(file).equals(modified) && Files.size(file) == size;
            } catch (IOException e) {
                return true; // unreadable now: keep what is in force
            }
        }

        private static String ascii(String name) {
            String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            return IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        }
    }
}
