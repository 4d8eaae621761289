package io.shortlink.core.memory;

import io.shortlink.core.Click;
import io.shortlink.core.ClickBatch;
import io.shortlink.core.ClickCount;
import io.shortlink.core.ClickLedger;
import io.shortlink.core.ClickSeries;
import io.shortlink.core.ClickStats;
import io.shortlink.core.Link;
import io.shortlink.core.LinkPage;
import io.shortlink.core.LinkStore;
import io.shortlink.core.PositionConflictException;
import io.shortlink.core.ShortCode;
import io.shortlink.core.StreamRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Links and click counts in this process's memory: a {@link LinkStore}, a {@link ClickLedger}
 * and the {@link ClickStats} over it, with the same contracts as the JDBC ones — a batch id or
 * an event id applied once, stream positions moved with a compare-and-set, a code never reused.
 * For tests, demos and single-process uses that need no durability: everything is gone when the
 * process ends, and the ids of applied batches and events are kept for the life of the store.
 *
 * <p>Thread-safe: every operation holds one lock, so each is atomic like a transaction.
 */
public final class InMemoryStore implements LinkStore, ClickLedger, ClickStats {
    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final Map<ShortCode, Link> links = new HashMap<>();
    /** Codes in creation order, at their position (1, 2, ...): the order list() pages through. */
    private final NavigableMap<Long, ShortCode> created = new TreeMap<>();
    private final Map<ShortCode, String> owners = new HashMap<>();
    private final Map<ShortCode, NavigableMap<Long, Long>> minutes = new HashMap<>();
    private final Map<ShortCode, Long> linkTotals = new HashMap<>();
    private final Set<UUID> batches = new HashSet<>();
    private final Set<UUID> events = new HashSet<>();
    private final Map<String, Map<Integer, Long>> positions = new HashMap<>();
    private long allClicks;

    // ---- LinkStore --------------------------------------------------------------------------------

    @Override
    public Optional<Link> find(ShortCode code) {
        synchronized (lock) {
            return Optional.ofNullable(links.get(code));
        }
    }

    @Override
    public void create(Link link, Optional<String> owner) {
        synchronized (lock) {
            if (links.putIfAbsent(link.code(), link) != null) {
                throw new CodeTakenException(link.code());
            }
            created.put((long) created.size() + 1, link.code());
            owner.ifPresent(key -> owners.put(link.code(), key));
        }
    }

    @Override
    public Optional<String> ownerOf(ShortCode code) {
        synchronized (lock) {
            return Optional.ofNullable(owners.get(code));
        }
    }

    @Override
    public LinkPage list(Optional<String> owner, OptionalLong before, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", was " + limit);
        }
        synchronized (lock) {
            List<Link> page = new ArrayList<>();
            long last = 0;
            for (Map.Entry<Long, ShortCode> e : created.headMap(before.orElse(Long.MAX_VALUE), false).descendingMap().entrySet()) {
                Link link = links.get(e.getValue());
                if (link.deletion().isPresent() || owner.isPresent() && !owner.get().equals(owners.get(link.code()))) {
                    continue;
                }
                if (page.size() == limit) {
                    // More follow: the next page starts below the last link of this one.
                    return new LinkPage(page, OptionalLong.of(last));
                }
                page.add(link);
                last = e.getKey();
            }
            return new LinkPage(page, OptionalLong.empty());
        }
    }

    @Override
    public Optional<Link> delete(ShortCode code, Instant at) {
        synchronized (lock) {
            Link link = links.get(code);
            if (link == null || link.deletion().isPresent()) {
                return Optional.ofNullable(link);
            }
            Link deleted = link.deleted(at);
            links.put(code, deleted);
            return Optional.of(deleted);
        }
    }

    // ---- ClickLedger ------------------------------------------------------------------------------

    @Override
    public boolean apply(ClickBatch batch) {
        synchronized (lock) {
            if (!batches.add(batch.id())) {
                return false;
            }
            batch.counts().forEach(this::add);
            return true;
        }
    }

    @Override
    public Recorded record(List<Click> read, List<StreamRange> ranges) {
        synchronized (lock) {
            for (StreamRange r : ranges) {
                Long stored = positions.getOrDefault(r.stream(), Map.of()).get(r.partition());
                if (stored != null && stored != r.from()) {
                    throw new PositionConflictException(r.stream() + " partition " + r.partition() + " is at " + stored
                            + ", not at " + r.from() + ": another reader moved it");
                }
            }
            for (StreamRange r : ranges) {
                positions.computeIfAbsent(r.stream(), s -> new HashMap<>()).put(r.partition(), r.next());
            }
            int fresh = 0;
            for (Click click : read) {
                if (events.add(click.eventId())) {
                    add(new ClickCount(click.code(), ClickCount.epochMinute(click.at()), 1));
                    fresh++;
                }
            }
            return new Recorded(fresh, read.size() - fresh);
        }
    }

    @Override
    public Map<Integer, Long> positions(String stream) {
        synchronized (lock) {
            return Map.copyOf(positions.getOrDefault(stream, Map.of()));
        }
    }

    @Override
    public void resetPosition(String stream, int partition, long position) {
        synchronized (lock) {
            positions.computeIfAbsent(stream, s -> new HashMap<>()).put(partition, position);
        }
    }

    /** Adds one count. Caller holds the lock. */
    private void add(ClickCount count) {
        minutes.computeIfAbsent(count.code(), c -> new TreeMap<>()).merge(count.epochMinute(), count.clicks(), Long::sum);
        linkTotals.merge(count.code(), count.clicks(), Long::sum);
        allClicks += count.clicks();
    }

    // ---- ClickStats -------------------------------------------------------------------------------

    @Override
    public long totalClicks(ShortCode code) {
        synchronized (lock) {
            return linkTotals.getOrDefault(code, 0L);
        }
    }

    @Override
    public List<ClickSeries.MinuteCount> minutes(ShortCode code, Instant from, Instant to) {
        synchronized (lock) {
            List<ClickSeries.MinuteCount> out = new ArrayList<>();
            minutesOf(code, ClickCount.firstMinuteAtOrAfter(from), ClickCount.firstMinuteAtOrAfter(to))
                    .forEach((minute, n) -> out.add(new ClickSeries.MinuteCount(Instant.ofEpochSecond(minute * 60), n)));
            return out;
        }
    }

    @Override
    public Sums sumsSince(ShortCode code, Instant since, Instant recentSince) {
        synchronized (lock) {
            long all = 0;
            long recent = 0;
            long recentFrom = ClickCount.firstMinuteAtOrAfter(recentSince);
            for (Map.Entry<Long, Long> e : minutesOf(code, ClickCount.firstMinuteAtOrAfter(since), Long.MAX_VALUE).entrySet()) {
                all += e.getValue();
                if (e.getKey() >= recentFrom) {
                    recent += e.getValue();
                }
            }
            return new Sums(all, recent);
        }
    }

    @Override
    public Totals totals() {
        synchronized (lock) {
            return new Totals(links.size(), allClicks);
        }
    }

    /** The minutes of {@code code} in {@code [from, to)} (epoch minutes). Caller holds the lock. */
    private NavigableMap<Long, Long> minutesOf(ShortCode code, long from, long to) {
        NavigableMap<Long, Long> all = minutes.get(code);
        return all == null || from >= to ? new TreeMap<>() : all.subMap(from, true, to, false);
    }
}
