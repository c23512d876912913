package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class RuntimeMetricsTest {

    @Test
    void exportsTheJvmAndTheProcess() {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        try (RuntimeMetrics ignored = RuntimeMetrics.bindTo(registry, Duration.ofSeconds(5))) {
            // a collection's pause is recorded when the JVM reports the collection, a moment after it
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            do {
                System.gc();
            } while (!registry.scrape().contains("jvm_gc_pause_seconds_count{")
                    && System.nanoTime() < deadline
                    && pause());
            assertThat(registry.scrape())
                    .contains(
                            "jvm_memory_used_bytes{area=\"heap\"",
                            "jvm_memory_max_bytes{",
                            "jvm_gc_memory_allocated_bytes_total",
                            "jvm_gc_pause_seconds_count{",
                            "jvm_threads_live_threads",
                            "jvm_threads_states_threads{",
                            "jvm_classes_loaded_classes",
                            // how long the JIT compiler has worked: a fresh instance compiles for a while
                            "jvm_compilation_time_ms_total",
                            "process_cpu_usage",
                            "system_cpu_count",
                            "process_uptime_seconds",
                            "process_start_time_seconds",
                            "process_files_open_files");
        }
    }

    @Test
    void exportsTheInstancesOwnKafkaClientsByTheirIds() {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final MockProducer<String, String> producer =
                new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        final MetricName sent = name("record-send-total", "producer-metrics", "http-producer");
        producer.setMockMetrics(sent, metric(sent, 42));
        final MockConsumer<String, String> consumer = new MockConsumer<>("latest") {
            @Override
            public synchronized Map<MetricName, ? extends Metric> metrics() {
                final MetricName consumed =
                        name("records-consumed-total", "consumer-fetch-manager-metrics", "seat-answers");
                return Map.of(consumed, metric(consumed, 7));
            }
        };

        try (RuntimeMetrics metrics = RuntimeMetrics.bindTo(registry, Duration.ofSeconds(5))) {
            metrics.client(producer).client(consumer);

            assertThat(registry.scrape())
                    .contains(
                            "kafka_producer_record_send_total{client_id=\"http-producer\"",
                            "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"seat-answers\"");
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static MetricName name(final String name, final String group, final String clientId) {
        return new MetricName(name, group, "", Map.of("client-id", clientId));
    }

    private static Metric metric(final MetricName name, final double value) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }
}
