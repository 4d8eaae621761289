package io.shortlink.server;

import io.shortlink.core.Click;
import io.shortlink.core.ShortCode;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code clicks} clicks spread evenly over {@code links} links named {@code <prefix>0000},
 * {@code <prefix>0001}...: click {@code i} is on link {@code i % links}, at the time it is made
 * (the ledger purges events older than its retention, so a test's clicks are recent).
 *
 * @param prefix 2 or 3 letters that keep one test's links apart from another's
 * @param clicks how many clicks in all, a multiple of {@code links}
 * @param links  how many links, at most 10,000
 */
record EvenClicks(String prefix, int clicks, int links) {

    EvenClicks {
        if (clicks % links != 0 || links > 10_000) {
            throw new IllegalArgumentException("clicks must be a multiple of links (at most 10,000): " + clicks + ", " + links);
        }
    }

    ShortCode code(int link) {
        return new ShortCode(prefix + "%04d".formatted(link));
    }

    /** Click {@code i}, on link {@code i % links}, now, with a fresh event id. */
    Click click(int i) {
        return Click.of(code(i % links), Instant.now());
    }

    /** Each link's total once all the clicks are counted. */
    Map<String, Long> perLink() {
        Map<String, Long> expected = new TreeMap<>();
        for (int link = 0; link < links; link++) {
            expected.put(code(link).value(), (long) clicks / links);
        }
        return expected;
    }
}
