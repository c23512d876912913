package io.purchasepipeline.runtime;

import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** A small sample catalog (books, a mug, an e-book, ten seats), for a pipeline that has none yet. */
public final class DemoCatalog {

    private DemoCatalog() {}

    public static List<Product> products() {
        final List<Product> products = new ArrayList<>(List.of(
                new Product(
                        "book-streams",
                        "Stream Processing in Practice",
                        ProductKind.PHYSICAL,
                        new BigDecimal("39.90"),
                        100L),
                new Product(
                        "book-kafka",
                        "Kafka: The Definitive Guide",
                        ProductKind.PHYSICAL,
                        new BigDecimal("49.00"),
                        50L),
                new Product("mug", "Pipeline Mug", ProductKind.PHYSICAL, new BigDecimal("12.50"), 20L),
                new Product(
                        "ebook-exactly-once",
                        "Exactly Once, Explained (e-book)",
                        ProductKind.DIGITAL,
                        new BigDecimal("9.99"),
                        null)));
        for (int seat = 1; seat <= 10; seat++) {
            products.add(new Product(
                    "concert-A" + seat,
                    "Concert, row A, seat " + seat,
                    ProductKind.SEAT,
                    new BigDecimal("75.00"),
                    null));
        }
        return products;
    }

    /** Loads the sample when {@code catalog} has never had a record; returns how many were loaded. */
    public static int loadIfEmpty(final Admin admin, final KafkaClients clients)
            throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
        admin.describeTopics(List.of(Topics.CATALOG.name()))
                .allTopicNames()
                .get()
                .get(Topics.CATALOG.name())
                .partitions()
                .forEach(p -> ends.put(new TopicPartition(Topics.CATALOG.name(), p.partition()), OffsetSpec.latest()));
        final long records = admin.listOffsets(ends).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                .sum();
        if (records > 0) {
            return 0;
        }
        final List<Product> products = products();
        try (KafkaProducer<String, Product> producer = new KafkaProducer<>(
                clients.idempotentProducer(),
                new StringSerializer(),
                Topics.CATALOG.valueSerde().serializer())) {
            for (final Product product : products) {
                producer.send(new ProducerRecord<>(Topics.CATALOG.name(), product.sku(), product));
            }
            producer.flush();
        }
        return products.size();
    }
}
