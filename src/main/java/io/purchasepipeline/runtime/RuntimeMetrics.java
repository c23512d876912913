package io.purchasepipeline.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What an operator watches besides the pipeline: the JVM (heap and other memory pools, garbage
 * collection, threads, classes), the process (CPU, uptime, open files) and the Kafka clients the
 * instance runs outside its streams app (whose own clients come with Kafka Streams' metrics).
 */
public final class RuntimeMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    /**
     * How often the clients' metrics are looked through for new ones (Micrometer's default is a
     * minute): a consumer's fetch metrics exist only once it has fetched.
     */
    private final Duration refresh;

    private final ScheduledExecutorService refresher = DaemonScheduler.named("client-metrics");
    /** The binders that hold a resource (a GC listener, a client's metrics watcher) until closed. */
    private final List<Runnable> closers = new ArrayList<>();

    private RuntimeMetrics(final MeterRegistry registry, final Duration refresh) {
        this.registry = registry;
        this.refresh = refresh;
    }

    /**
     * Binds the JVM's and the process's metrics to {@code registry}.
     *
     * @param refresh how often the Kafka clients added later are looked through for new metrics
     */
    public static RuntimeMetrics bindTo(final MeterRegistry registry, final Duration refresh) {
        final RuntimeMetrics metrics = new RuntimeMetrics(registry, refresh);
        final JvmGcMetrics gc = new JvmGcMetrics();
        metrics.closers.add(gc::close);
        for (final MeterBinder binder : List.of(
                new JvmMemoryMetrics(),
                gc,
                new JvmThreadMetrics(),
                new ClassLoaderMetrics(),
                new JvmCompilationMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics(),
                new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
        return metrics;
    }

    /** Adds a producer's metrics ({@code kafka_producer_*}, tagged with its {@code client.id}). */
    public RuntimeMetrics client(final Producer<?, ?> producer) {
        return bind(new KafkaClientMetrics(producer, List.of(), refresher, refresh));
    }

    /** Adds a consumer's metrics ({@code kafka_consumer_*}, tagged with its {@code client.id}). */
    public RuntimeMetrics client(final Consumer<?, ?> consumer) {
        return bind(new KafkaClientMetrics(consumer, List.of(), refresher, refresh));
    }

    private RuntimeMetrics bind(final KafkaClientMetrics client) {
        client.bindTo(registry);
        closers.add(client::close);
        return this;
    }

    @Override
    public void close() {
        closers.forEach(Runnable::run);
        closers.clear();
        refresher.shutdownNow();
    }
}
