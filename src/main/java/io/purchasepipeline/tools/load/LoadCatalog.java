package io.purchasepipeline.tools.load;

import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.Topics;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The products a load run orders: {@code load-sku-N} PHYSICAL SKUs with more stock than any run
 * sells, the run's own storm seats (a sold seat stays sold, so each run races for fresh ones) and
 * one DIGITAL e-book. The PHYSICAL SKUs keep their names across runs: {@code stock} is the total
 * ever stocked, so defining them again changes nothing.
 */
public final class LoadCatalog {

    static final String EBOOK = "load-ebook";
    /** Stock of every PHYSICAL SKU: a run never runs out, so no order ends out of stock by accident. */
    static final long STOCK = 1_000_000_000L;

    static final BigDecimal PHYSICAL_PRICE = new BigDecimal("19.90");
    static final BigDecimal SEAT_PRICE = new BigDecimal("75.00");
    static final BigDecimal EBOOK_PRICE = new BigDecimal("9.99");

    private final String runTag;
    private final int skus;
    private final int seats;
    private final boolean ebook;

    public LoadCatalog(final String runTag, final int skus, final int seats, final boolean ebook) {
        this.runTag = runTag;
        this.skus = skus;
        this.seats = seats;
        this.ebook = ebook;
    }

    static String physical(final int index) {
        return "load-sku-" + index;
    }

    String seat(final int index) {
        return "load-" + runTag + "-seat-" + index;
    }

    List<Product> products() {
        final List<Product> products = new ArrayList<>(skus + seats + 1);
        for (int i = 0; i < skus; i++) {
            products.add(new Product(physical(i), "Load test item " + i, ProductKind.PHYSICAL, PHYSICAL_PRICE, STOCK));
        }
        for (int i = 0; i < seats; i++) {
            products.add(new Product(
                    seat(i), "Load test seat " + i + " of run " + runTag, ProductKind.SEAT, SEAT_PRICE, null));
        }
        if (ebook) {
            products.add(new Product(EBOOK, "Load test e-book", ProductKind.DIGITAL, EBOOK_PRICE, null));
        }
        return products;
    }

    /**
     * Writes the products to {@code catalog} and waits until the pipeline applied every one: each
     * SKU's owner task writes the definition it applied to {@code products}, read here from where
     * it stood before the catalog was written. Only then does an order find its SKUs.
     *
     * @return how many products were defined
     * @throws IllegalStateException when the pipeline did not apply them all in {@code timeout}
     */
    public int define(final KafkaClients clients, final Duration timeout)
            throws ExecutionException, InterruptedException {
        final List<Product> products = products();
        final Set<String> waiting = products.stream().map(Product::sku).collect(Collectors.toCollection(HashSet::new));
        try (KafkaConsumer<String, Product> applied = new KafkaConsumer<>(
                clients.committedReader(),
                Topics.PRODUCTS.keySerde().deserializer(),
                Topics.PRODUCTS.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = applied.partitionsFor(Topics.PRODUCTS.name(), timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException(
                        "No topic " + Topics.PRODUCTS.name() + " in this Kafka: is the pipeline running here?");
            }
            applied.assign(partitions);
            applied.seekToEnd(partitions);
            // the end is looked up lazily: fix it now, before anything is written
            partitions.forEach(applied::position);

            write(clients, products);

            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!waiting.isEmpty() && System.nanoTime() - deadline < 0) {
                for (final ConsumerRecord<String, Product> record : applied.poll(Duration.ofMillis(200))) {
                    waiting.remove(record.key());
                }
            }
        }
        if (!waiting.isEmpty()) {
            throw new IllegalStateException("The pipeline did not apply the load catalog within " + timeout.toSeconds()
                    + " s (" + (products.size() - waiting.size()) + " of " + products.size()
                    + " products on " + Topics.PRODUCTS.name() + "): is it running against this Kafka?");
        }
        return products.size();
    }

    private static void write(final KafkaClients clients, final List<Product> products)
            throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, Product> producer = new KafkaProducer<>(
                clients.idempotentProducer(),
                Topics.CATALOG.keySerde().serializer(),
                Topics.CATALOG.valueSerde().serializer())) {
            final List<Future<RecordMetadata>> acks = new ArrayList<>(products.size());
            for (final Product product : products) {
                acks.add(producer.send(new ProducerRecord<>(Topics.CATALOG.name(), product.sku(), product)));
            }
            for (final Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
    }
}
