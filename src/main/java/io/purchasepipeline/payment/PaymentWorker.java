package io.purchasepipeline.payment;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.purchasepipeline.runtime.DeadLetters;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.RecordSpans;
import io.purchasepipeline.runtime.Transactions;
import io.purchasepipeline.serdes.PaymentResult;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 300 lines: the read, call, commit and hand-over steps of one loop share its producer, consumer and calls in
// flight.
/**
 * The payment service: reads {@code payment-requests} (read-committed, in its own consumer group,
 * so that workers on any number of machines share the partitions), asks the gateway with up to
 * {@code concurrency} calls in flight, and writes one {@link PaymentResult} per request to
 * {@code payment-results}, keyed like the request (the customer id) and carrying its correlation
 * id. Each call is a span of the order's trace, a child of the request's context; the result
 * carries the span's.
 *
 * <p>Calls end in any order; results are committed in the order of their requests. Every commit
 * interval, the requests answered at the head of each partition go out in one Kafka transaction
 * together with the group's position past them, so a result is visible exactly when its request
 * is never read again. A request still in flight holds back the ones behind it on its partition
 * (at most one call timeout). Whatever was not committed (a crash, a fenced or failed
 * transaction, a partition handed to another worker) is read again and asked again under the
 * same idempotency key, so the gateway answers it without charging again; the answers this worker
 * had not committed are dropped.
 *
 * <p>A call without an answer within the call timeout is answered {@code UNAVAILABLE}: the
 * order asks again later. A record that is no payment request a gateway could be asked
 * (unreadable, without key, or missing what its operation needs) goes to {@code dead-letters}
 * with the reason in headers ({@link DeadLetters}), in the same way and transaction as a result;
 * the requests after it go on.
 */
public final class PaymentWorker implements AutoCloseable {

    /** The consumer group of every payment worker. */
    public static final String GROUP_ID = "purchase-pipeline-payments";

    /**
     * Gateway calls in flight at most, by default. By Little's law a worker ends at most
     * concurrency ÷ (gateway latency × calls per order) orders per second: an order makes two calls
     * (authorise, then capture or void), so 256 in flight hold one worker to 640 orders/s against a
     * 200 ms gateway, under the 760-1,000 orders/s one instance of the pipeline ends on two cores
     * (bench/run's payment_latency_ratio measured 0.41 with 256). 1,024 leave room for 1,000 orders/s
     * against a 500 ms gateway. A call in flight costs a pending future and, over HTTP, a connection
     * (HTTP/2 multiplexes them over one); a provider that limits connections gets
     * {@code --payment-concurrency} of its limit.
     */
    public static final int DEFAULT_CONCURRENCY = 1024;

    private static final Logger log = LoggerFactory.getLogger(PaymentWorker.class);
    /** How often answered requests are committed: as Kafka Streams commits under exactly-once. */
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /** While calls are out, the loop comes back this often to commit what was answered. */
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    /**
     * A worker killed inside a commit holds up readers of its partitions this long at most (plus up to
     * a second for the pipeline's own scan for timed-out transactions, TimedOutTransactions): the orders whose
     * answers share a partition with that open transaction wait for its abort, so it is as short as
     * the stream threads' (StreamsSettings). A transaction here lasts one send of answers and a commit.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /**
     * @param concurrency the most gateway calls in flight at once
     * @param callTimeout how long a call may take before it counts as unanswered
     */
    public record Settings(int concurrency, Duration callTimeout) {

        public static final Settings DEFAULT = new Settings(DEFAULT_CONCURRENCY, PaymentCalls.DEFAULT_TIMEOUT);

        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("the payment concurrency must be at least 1, not " + concurrency);
            }
        }
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final PaymentCalls calls;
    private final RecordSpans spans;
    private final int concurrency;
    private final Thread thread;
    private volatile boolean running = true;
    /** Set when the producer cannot go on (fenced by a worker with its transactional id): nothing more is committed. */
    private boolean broken;

    private final Uncommitted uncommitted = new Uncommitted();
    private final AtomicInteger inFlight = new AtomicInteger();
    private long lastCommit = System.nanoTime();

    private PaymentWorker(
            final Consumer<byte[], byte[]> consumer,
            final Producer<byte[], byte[]> producer,
            final PaymentCalls calls,
            final RecordSpans spans,
            final int concurrency) {
        this.consumer = consumer;
        this.producer = producer;
        this.calls = calls;
        this.spans = spans;
        this.concurrency = concurrency;
        this.thread = new Thread(this::run, "payment-worker");
    }

    /**
     * Starts a worker in a thread of its own.
     *
     * @param clients the Kafka connection (bootstrap servers, security)
     * @param transactionalId unique among the workers running at once, and best kept across a
     *        restart, so that the new producer aborts what the stopped one left open
     */
    public static PaymentWorker start(
            final KafkaClients clients,
            final String transactionalId,
            final PaymentGateway gateway,
            final Settings settings) {
        return start(clients, transactionalId, gateway, settings, TraceParent.UNTRACED);
    }

    /** The same, each call a span of {@code telemetry}'s. */
    public static PaymentWorker start(
            final KafkaClients clients,
            final String transactionalId,
            final PaymentGateway gateway,
            final Settings settings,
            final OpenTelemetry telemetry) {
        clients.askGroupForItsSettings(GROUP_ID);
        final PaymentWorker worker = new PaymentWorker(
                new KafkaConsumer<>(
                        consumerProps(clients, settings), new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(
                        clients.transactionalProducer(transactionalId, TRANSACTION_TIMEOUT),
                        new ByteArraySerializer(),
                        new ByteArraySerializer()),
                new PaymentCalls(gateway, settings.callTimeout()),
                new RecordSpans(telemetry),
                settings.concurrency());
        worker.thread.start();
        log.info(
                "Payment worker started: up to {} calls in flight, {} ms call timeout",
                settings.concurrency(),
                settings.callTimeout().toMillis());
        return worker;
    }

    private void run() {
        boolean canCommit = false;
        try {
            if (!Transactions.init(producer, () -> running, "Payment worker")) {
                return;
            }
            canCommit = true;
            consumer.subscribe(List.of(Topics.PAYMENT_REQUESTS.name()), new Rebalance());
            while (running && !broken) {
                read(consumer.poll(uncommitted.isEmpty() ? IDLE_POLL : BUSY_POLL));
                launch();
                throttle();
                if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
                    commitAnswered();
                }
            }
            if (broken) {
                log.error(
                        "Payment worker stopped: its producer cannot go on (another worker with its transactional id, "
                                + "or no right to write); its uncommitted requests are read again by the group");
            }
        } catch (WakeupException e) {
            log.debug("Payment worker stopping");
        } catch (RuntimeException e) {
            log.error("Payment worker stopped", e);
        } finally {
            if (canCommit && !broken) {
                handOver();
            }
            consumer.close();
            producer.close();
        }
    }

    private void read(final ConsumerRecords<byte[], byte[]> records) {
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            final Uncommitted.Entry entry = uncommitted.add(record);
            try {
                entry.request = PaymentRequests.readable(record);
                uncommitted.awaitCall(entry);
            } catch (SerializationException | InvalidPaymentRequestException e) {
                log.warn(
                        "The record at {}-{} offset {} is no payment request; it goes to {}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        Topics.DEAD_LETTERS,
                        e.getMessage());
                entry.output = DeadLetters.of(record, e);
            }
        }
    }

    /** Asks the gateway for waiting requests while calls are free. */
    private void launch() {
        while (inFlight.get() < concurrency && uncommitted.waitingCount() > 0) {
            final Uncommitted.Entry entry = uncommitted.nextWaiting();
            inFlight.incrementAndGet();
            final Span span = spans.start(
                    "payment " + entry.request.operation().name().toLowerCase(java.util.Locale.ROOT),
                    entry.record.headers(),
                    Topics.PAYMENT_REQUESTS.name(),
                    entry.request.orderId());
            calls.answer(entry.request).whenComplete((result, failure) -> {
                // PaymentCalls answers every call, UNAVAILABLE when the gateway did not
                span.setAttribute(RecordSpans.OUTCOME, result.status().name());
                span.end();
                entry.output = PaymentRequests.resultRecord(entry.record, result, span.getSpanContext());
                inFlight.decrementAndGet();
            });
        }
    }

    /** Reads no more while a full round of calls waits for a free one; the consumer stays in its group meanwhile. */
    private void throttle() {
        if (uncommitted.waitingCount() >= concurrency) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    /**
     * Writes the answered requests at the head of each partition, with the position past them, in
     * one transaction. When it fails, everything not committed is read again.
     */
    private void commitAnswered() {
        lastCommit = System.nanoTime();
        if (broken) {
            return;
        }
        final Uncommitted.Answered answered = uncommitted.answeredHeads();
        if (answered.positions().isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            answered.outputs().forEach(producer::send);
            producer.sendOffsetsToTransaction(answered.positions(), consumer.groupMetadata());
            Transactions.commit(producer, () -> running, "Payment worker");
        } catch (ProducerFencedException
                | OutOfOrderSequenceException
                | AuthorizationException
                | UnsupportedVersionException e) {
            broken = true;
            log.error("Payment worker: its producer cannot go on", e);
            return;
        } catch (KafkaException e) {
            log.warn(
                    "Payment worker: committing {} answers failed; what was not committed is read again",
                    answered.outputs().size(),
                    e);
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                broken = true;
                log.error("Payment worker: the failed transaction cannot be aborted; the worker stops", abortFailed);
            }
            rewind();
            return;
        }
        uncommitted.committed(answered);
    }

    /** Back to the first uncommitted request of each partition still ours; answers still to come are dropped. */
    private void rewind() {
        final Set<TopicPartition> assigned = consumer.assignment();
        uncommitted.rewind((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /** On a clean stop: what was answered is committed, the rest is left to the next owner. */
    private void handOver() {
        try {
            commitAnswered();
        } catch (KafkaException e) {
            log.warn("Payment worker: the last answers were not committed; they are asked again by the next owner", e);
        }
    }

    /** Stops at once: answers not yet committed are committed if they are in, the rest is read again by the next owner. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("The payment worker did not stop within {}", STOP_WAIT);
        }
    }

    /** Partitions that go take their uncommitted requests with them; what was answered goes first. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                try {
                    commitAnswered();
                } catch (KafkaException e) {
                    log.warn("Payment worker: answers not committed before a rebalance; the next owner asks again", e);
                }
                uncommitted.forget(partitions);
            }
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            uncommitted.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            // nothing to load: the group's committed positions say where to start
            if (!partitions.isEmpty()) {
                log.info(
                        "Payment worker: {} partition(s) of {} assigned, {} in all",
                        partitions.size(),
                        Topics.PAYMENT_REQUESTS.name(),
                        consumer.assignment().size());
            }
        }
    }

    static Properties consumerProps(final KafkaClients clients, final Settings settings) {
        // enough to keep every call busy without reading far ahead of them
        return clients.groupConsumer(GROUP_ID, Math.max(settings.concurrency(), 50));
    }
}
