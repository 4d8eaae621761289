package io.shortlink.core;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One page of links, newest first, from {@link LinkStore#list}.
 *
 * @param links the links of this page
 * @param next  where the next page starts ({@code before} of the next call); empty on the last page
 */
public record LinkPage(List<Link> links, OptionalLong next) {
    public LinkPage {
        links = List.copyOf(links);
        Objects.requireNonNull(next, "next");
    }
}
