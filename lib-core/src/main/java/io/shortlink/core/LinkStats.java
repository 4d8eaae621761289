package io.shortlink.core;

/**
 * The clicks of one link, as {@link Shortener#stats} reads them: the total, the last 24 hours
 * and 7 days, and a zero-filled series over the range asked for.
 */
public record LinkStats(ShortCode code, long totalClicks, long last24h, long last7d, ClickSeries series) {
}
