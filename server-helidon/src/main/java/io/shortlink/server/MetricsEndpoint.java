package io.shortlink.server;

import io.helidon.common.HelidonServiceLoader;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MeterRegistryFormatter;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.MetricsFactory;
import io.helidon.metrics.spi.MeterRegistryFormatterProvider;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;

/**
 * {@code GET /observe/metrics}: every meter of the registry in the Prometheus text format (0.0.4),
 * or only those named by {@code ?name=} (repeatable).
 *
 * <p>Served here instead of by Helidon's {@code MetricsObserver}, which also puts a routing filter
 * in front of every request to count it into its "key performance indicator" meters: a context
 * registered and a counter bumped per request, 3.5 % of the redirect's CPU samples
 * (docs/perf/profile.md), for counts {@code shortlink_http_requests_seconds} already keeps by
 * route and outcome.
 */
final class MetricsEndpoint implements HttpService {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final MeterRegistry registry;
    private final MetricsConfig config;
    /** The provider that writes Prometheus text, chosen once: a class path without one fails at start-up. */
    private final MeterRegistryFormatterProvider prometheus;
    private final BiConsumer<ServerRequest, ServerResponse> guard;

    /**
     * @param guard run before each scrape: it may throw (an access problem) to refuse it
     * @throws IllegalStateException if no formatter for Prometheus text is on the class path
     */
    MetricsEndpoint(MeterRegistry registry, BiConsumer<ServerRequest, ServerResponse> guard) {
        this.registry = registry;
        this.config = MetricsFactory.getInstance().metricsConfig();
        this.prometheus = HelidonServiceLoader.builder(ServiceLoader.load(MeterRegistryFormatterProvider.class))
                .build()
                .stream()
                .filter(p -> formatter(p, List.of()).isPresent())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Prometheus formatter on the class path"));
        this.guard = guard;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::scrape);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        guard.accept(req, res);
        List<String> names = req.query().all("name", List::of);
        // Empty when no meter matches the names asked for.
        String text = formatter(prometheus, names).orElseThrow().format().map(Object::toString).orElse("");
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE).send(text);
    }

    /** {@code provider}'s Prometheus-text formatter over the meters named (all when none is). */
    private Optional<MeterRegistryFormatter> formatter(MeterRegistryFormatterProvider provider, List<String> names) {
        return provider.formatter(MediaTypes.TEXT_PLAIN, config, registry, config.scoping().tagName(),
                List.of(), names);
    }
}
