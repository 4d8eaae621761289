package io.shortlink.core;

/** The link was deleted: the answer of {@link Shortener}'s reads (an HTTP 410). Its code is never reused. */
public final class LinkGoneException extends RuntimeException {
    private final Link link;

    public LinkGoneException(Link link) {
        super("the link '" + link.code() + "' was deleted at " + link.deletedAt(), null, false, false);
        this.link = link;
    }

    public Link link() {
        return link;
    }
}
