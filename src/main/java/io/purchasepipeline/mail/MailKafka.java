package io.purchasepipeline.mail;

import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The mail sender's Kafka side apart from its consumer: the topics it needs, the ledger's reader and producer. */
final class MailKafka {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private MailKafka() {}

    /**
     * The outcomes must sit on the partition number of their email: same key, same partition count;
     * and their counts are written to that partition number too.
     */
    static void checkTopics(final KafkaClients clients) {
        final List<String> topics =
                List.of(Topics.EMAILS.name(), Topics.EMAIL_OUTCOMES.name(), Topics.EMAIL_COUNTS.name());
        try (Admin admin = clients.admin()) {
            final Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            final Set<Integer> counts = new HashSet<>();
            described.values().forEach(topic -> counts.add(topic.partitions().size()));
            if (counts.size() != 1) {
                throw new IllegalStateException(
                        topics + " must have the same number of partitions, as an email's outcome "
                                + "is kept on the partition of the email; they have "
                                + described.values().stream()
                                        .map(topic -> topic.name() + ": "
                                                + topic.partitions().size())
                                        .toList());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The mail sender needs the topics " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics " + topics, e);
        }
    }

    /** Reads a partition's outcomes whole when the sender takes the partition. */
    static Properties ledgerReader(final KafkaClients clients) {
        final Properties props = clients.committedReader();
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return props;
    }

    /** The ledger's producer: its id unique to this sender, as fencing comes from the consumer group (each commit carries its generation). */
    static Properties ledgerProducerProps(final KafkaClients clients) {
        return clients.transactionalProducer(
                MailSender.GROUP_ID + "-" + UUID.randomUUID(), OutcomeLedger.TRANSACTION_TIMEOUT);
    }

    /**
     * Writes each outcome at once after its hand-over, and the next hand-over waits for it: bounded
     * well under a session, so a write that cannot be made ends and leaves the outcome to the next
     * transaction.
     */
    static Properties acknowledgerProps(final KafkaClients clients) {
        final Properties props = clients.idempotentProducer();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        return props;
    }

    static Producer<byte[], byte[]> acknowledger(final KafkaClients clients) {
        return new KafkaProducer<>(acknowledgerProps(clients), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Producer<byte[], byte[]> ledgerProducer(final KafkaClients clients) {
        final Producer<byte[], byte[]> producer =
                new KafkaProducer<>(ledgerProducerProps(clients), new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return producer;
    }
}
