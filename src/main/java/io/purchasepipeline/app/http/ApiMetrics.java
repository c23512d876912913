package io.purchasepipeline.app.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.topology.OrderStatusListener;
import java.time.Duration;

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
            Counter.builder("pipeline.orders.ended").description("Orders that reached a terminal state")
                    .tag("status", event.status().name()).register(registry).increment();
        }
    }

    public void seatAnswered(final SeatResult result) {
        Counter.builder("pipeline.seat.reservations").description("Answers to direct seat commands")
                .tag("outcome", result.outcome().name()).register(registry).increment();
    }

    public void request(final String method, final String route, final int status, final Duration took) {
        Timer.builder("http.server.requests").description("HTTP requests answered")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry).record(took);
    }

    public String scrape() {
        return registry.scrape();
    }
}
