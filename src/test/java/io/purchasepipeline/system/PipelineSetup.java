package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.runtime.TopicProvisioner;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Getting a real cluster ready for instances of the application started as processes. */
public final class PipelineSetup {

    private PipelineSetup() {}

    /** Creates the pipeline's topics as {@code run} would, so that the catalog can be written before any instance starts. */
    static void provisionTopics(final String bootstrapServers, final int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, partitions, TopicProvisioner.Retention.BROKER_DEFAULT).provision();
        }
    }

    /** Writes the product definitions to {@code catalog}, each acknowledged by all in-sync replicas. */
    static void defineCatalog(final String bootstrapServers, final Collection<Product> products) throws Exception {
        try (KafkaProducer<String, Product> producer = new KafkaProducer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                Topics.CATALOG.keySerde().serializer(),
                Topics.CATALOG.valueSerde().serializer())) {
            for (final Product product : products) {
                producer.send(new ProducerRecord<>(Topics.CATALOG.name(), product.sku(), product))
                        .get();
            }
        }
    }

    /**
     * Waits until the SKUs' owners applied the catalog (their definitions are on {@code products}),
     * so that the fraud check knows every price before the first order comes.
     */
    static void awaitProductsApplied(
            final String bootstrapServers, final Collection<Product> products, final Duration timeout) {
        final Set<String> expected = products.stream().map(Product::sku).collect(Collectors.toSet());
        try (KafkaConsumer<String, Product> consumer = new KafkaConsumer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                Topics.PRODUCTS.keySerde().deserializer(),
                Topics.PRODUCTS.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.PRODUCTS.name(), timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Set<String> applied = new HashSet<>();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!applied.containsAll(expected) && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> applied.add(record.key()));
            }
            assertThat(applied).as("products applied by the pipeline").containsAll(expected);
        }
    }
}
