package io.purchasepipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.instance.InJvmPipeline;
import io.purchasepipeline.payment.PaymentSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard of docker/ against a running instance: every metric its panels read is on
 * the instance's {@code /metrics}, the JVM's, the process's and the instance's own Kafka clients'
 * among them.
 */
class DashboardMetricsOnBrokerTest {

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void everyMetricTheDashboardReadsIsOnMetricsOfARunningInstance() throws Exception {
        final Set<String> wanted = DashboardQueries.metricNames(DashboardQueries.dashboard());
        try (InJvmPipeline pipeline = InJvmPipeline.start(1, 2)) {
            final String url = pipeline.url(0);
            awaitStatus(url + "/products/book-kafka", 200);
            final HttpResponse<String> placed = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/orders"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"customerId\":\"dash-1\",\"customerName\":\"Dash\",\"email\":\"dash@example.com\","
                                            + "\"items\":[{\"sku\":\"book-kafka\",\"quantity\":1}],"
                                            + "\"payment\":{\"card\":\"" + PaymentSimulator.APPROVED_CARD + "\"}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(placed.statusCode()).isEqualTo(202);
            final String location = placed.headers().firstValue("Location").orElseThrow();
            assertThat(get(url + location + "?waitMs=30000")).contains("\"COMPLETED\"");

            // a task's streams metrics show a few seconds after it is assigned, a collection's pause once one happened,
            // a client's fetch metrics once it has fetched and the instance's next look through its metrics
            final String port = url.substring(url.lastIndexOf(':') + 1);
            final List<String> clients = List.of(
                    "kafka_producer_record_send_total{client_id=\"purchase-pipeline-http-127.0.0.1:" + port + "\"",
                    "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"purchase-pipeline-seat-answers-127.0.0.1:"
                            + port + "\"",
                    "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"purchase-pipeline-order-events-tail-127.0.0.1:"
                            + port + "\"");
            final long deadline = System.nanoTime() + SETTLE.toNanos();
            String scrape = get(url + "/metrics");
            while (!(exported(scrape).containsAll(wanted) && clients.stream().allMatch(scrape::contains))
                    && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(500);
                scrape = get(url + "/metrics");
            }
            assertThat(exported(scrape)).containsAll(wanted);
            assertThat(scrape).as("the instance's own clients, each by its id").contains(clients);
            // reading them races the stream thread closing a store, and the JVM dies (PipelineStreams)
            assertThat(exported(scrape))
                    .as("gauges that read RocksDB's properties")
                    .noneMatch(name -> name.matches(
                            "kafka_stream_state_(block_cache_(usage|capacity|pinned_usage)|size_all_mem_tables|estimate_num_keys"
                                    + "|num_entries_active_mem_table|background_errors)"));
            assertThat(exported(scrape))
                    .as("the stream thread's own metrics are still there")
                    .anyMatch(name -> name.startsWith("kafka_stream_thread_"));
        }
    }

    /** The names of the samples in a Prometheus text scrape. */
    private static Set<String> exported(final String scrape) {
        return Arrays.stream(scrape.split("\n"))
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String get(final String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static void awaitStatus(final String url, final int status) throws Exception {
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = HTTP.send(
                            HttpRequest.newBuilder(URI.create(url)).GET().build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " answered " + last + ", not " + status);
    }
}
