package io.purchasepipeline.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.stores.AnalyticsSnapshot;
import io.purchasepipeline.topology.OrderStatusListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The application's own metrics, next to Kafka Streams' (bound by the caller): orders by terminal
 * state, seat reservation outcomes, and HTTP latency per route.
 */
public final class ApiMetrics implements OrderStatusListener {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void changed(final OrderEvent event) {
        if (event.status().terminal()) {
            Counter.builder("pipeline.orders.ended")
                    .description("Orders that reached a terminal state")
                    .tag("status", event.status().name())
                    .register(registry)
                    .increment();
        }
    }

    /**
     * The last closed analytics window's rates and their baselines, as gauges. Only the instance
     * that owns the analytics task has them; the others report NaN, which Prometheus skips.
     */
    public void bindAnalytics(final Supplier<AnalyticsSnapshot> snapshot) {
        for (final String metric :
                List.of("fraud_rate", "payment_approval_rate", "out_of_stock_rate", "email_bounce_rate")) {
            Gauge.builder("pipeline.analytics.rate", () -> value(snapshot, AnalyticsSnapshot::lastRates, metric))
                    .description("The rate in the last closed analytics window")
                    .tag("metric", metric)
                    .register(registry);
            Gauge.builder("pipeline.analytics.baseline", () -> value(snapshot, AnalyticsSnapshot::baselines, metric))
                    .description("The rate's running baseline")
                    .tag("metric", metric)
                    .register(registry);
        }
    }

    private static double value(
            final Supplier<AnalyticsSnapshot> snapshot,
            final Function<AnalyticsSnapshot, Map<String, Double>> values,
            final String metric) {
        final AnalyticsSnapshot current = snapshot.get();
        final Double value = current == null ? null : values.apply(current).get(metric);
        return value == null ? Double.NaN : value;
    }

    public void seatAnswered(final SeatResult result) {
        Counter.builder("pipeline.seat.reservations")
                .description("Answers to direct seat commands")
                .tag("outcome", result.outcome().name())
                .register(registry)
                .increment();
    }

    public void request(final String method, final String route, final int status, final Duration took) {
        Timer.builder("http.server.requests")
                .description("HTTP requests answered")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    public String scrape() {
        return registry.scrape();
    }
}
