package io.shortlink.core;

/**
 * A link as {@link Shortener#details} reads it from the store (never from a cache): its state
 * at the time of the read and the clicks recorded for it.
 */
public record LinkDetails(Link link, Link.State state, long totalClicks) {

    /** A link as a listing shows it: its state at the time of the read, without its clicks. */
    public record Listed(Link link, Link.State state) {
    }
}
