package io.purchasepipeline.http;

import io.javalin.http.Context;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.serdes.Topic;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the routes write to Kafka: refused at once while Kafka is known to be down, else waited for until Kafka has it. */
final class KafkaWrites {

    /** About what the embedded broker takes to restart. */
    static final int KAFKA_RETRY_AFTER_SECONDS = 5;

    private final TopicWriter writer;
    private final Probes probes;

    KafkaWrites(final TopicWriter writer, final Probes probes) {
        this.writer = writer;
        this.probes = probes;
    }

    /** Writes one record and waits until Kafka has it (acks=all), so a 202 is never lost. */
    <V> void publish(final Topic<V> topic, final String key, final V value, final Context ctx, final String what)
            throws InterruptedException {
        refuseWhileKafkaIsDown();
        try {
            writer.send(topic, key, value, CorrelationIds.of(ctx)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable(what + " could not be stored: " + e.getMessage(), 1);
        }
    }

    /**
     * A write while Kafka is known to be down is answered 503 at once: the client retries after a
     * broker restart's worth of seconds instead of holding a connection until the producer gives up.
     */
    void refuseWhileKafkaIsDown() {
        probes.kafka().problem().ifPresent(problem -> {
            throw ApiException.unavailable(problem, KAFKA_RETRY_AFTER_SECONDS);
        });
    }
}
