package io.shortlink.core;

/**
 * What {@link Shortener#follow} found for a code: where to send the visitor, or why not. A
 * result rather than an exception, because unknown codes are common on the redirect path
 * (typos, scanners) and must cost no more than found ones.
 */
public sealed interface Redirect {

    /** The link is active: send the visitor to {@link Link#url()}; the click was counted if asked. */
    record To(Link link) implements Redirect {
    }

    /** No link ever had this code (or the text cannot be a code at all). */
    record Unknown() implements Redirect {
    }

    /** The link exists but no longer redirects: deleted or expired ({@link #state()}). */
    record Gone(Link link, Link.State state) implements Redirect {
    }

    /**
     * The link is active but its target was blocked after it was made (the {@link TargetScreen}
     * refuses it now, when the shortener screens redirects); the click is not counted.
     */
    record Blocked(Link link, String reason) implements Redirect {
    }

    Redirect UNKNOWN = new Unknown();
}
