package io.shortlink.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads meters out of a Prometheus text exposition ({@code /observe/metrics}, Accept: text/plain). */
final class MetricsText {
    private MetricsText() {
    }

    /** The first value of metric {@code name} (whatever its labels); fails the test if there is none. */
    static double value(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no metric " + name + " in /observe/metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * The sum of metric {@code name} over the series whose labels contain every one of
     * {@code labels} (such as {@code tier="l2"}); 0 if there is none.
     */
    static double sum(String exposition, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.eE+-]+)$").matcher(exposition);
        double sum = 0;
        while (m.find()) {
            String series = m.group(1);
            if (java.util.Arrays.stream(labels).allMatch(series::contains)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** {@link #value} as a whole count. */
    static long count(String exposition, String name) {
        return (long) value(exposition, name);
    }

    /** How much counter {@code name} grew from exposition {@code before} to {@code after}. */
    static long delta(String before, String after, String name) {
        return count(after, name) - count(before, name);
    }
}
