package io.purchasepipeline.ebook;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.purchasepipeline.runtime.KafkaClients;
import io.purchasepipeline.runtime.RecordSpans;
import io.purchasepipeline.runtime.Transactions;
import io.purchasepipeline.serdes.EbookGenerated;
import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.Topics;
import io.purchasepipeline.serdes.TraceParent;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the e-books asked for on {@code ebook-requests}, one partition's records one after another
 * (a customer's requests share a partition, so a customer's books are made in order), and tells
 * analytics on {@code ebooks-generated}.
 *
 * <p>Making a book is a side effect outside Kafka, repeated harmlessly when a request is read again:
 * the library keeps the file it has, or makes the same bytes. The {@link EbookGenerated} record is
 * what must not repeat, as analytics counts it. It is written in one Kafka transaction with this
 * group's new offsets, so a crash before the commit hides it from {@code read_committed} readers and
 * the request is read again; and a ledger of counted books on disk, marked after the commit, stops
 * a second count when requests are read once more (offsets reset, a request published twice). The
 * PDF's own existence cannot be that ledger: the mail sender may make the file first, and the book
 * would then never be counted.
 *
 * <p>Making a book is a span of its order's trace, a child of the request's context.
 */
public final class EbookWorker implements AutoCloseable {

    /** This worker's consumer group: its own offsets, apart from the streams app's. */
    public static final String GROUP_ID = "purchase-pipeline-ebooks";

    private static final Logger log = LoggerFactory.getLogger(EbookWorker.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** How long to wait before reading a batch again after it failed (a full disk, a lost broker). */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** Kafka's default: a batch of books may take a while to make, and its transaction stays open meanwhile. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(1);

    private final Consumer<String, EbookRequest> consumer;
    private final Producer<String, EbookGenerated> producer;
    private final EbookLibrary library;
    private final Path ledger;
    private final RecordSpans spans;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    private EbookWorker(
            final Consumer<String, EbookRequest> consumer,
            final Producer<String, EbookGenerated> producer,
            final EbookLibrary library,
            final Path ledger,
            final RecordSpans spans) {
        this.consumer = consumer;
        this.producer = producer;
        this.library = library;
        this.ledger = ledger;
        this.spans = spans;
        this.thread = new Thread(this::run, "ebook-worker");
    }

    /**
     * Starts a worker in a thread of its own.
     *
     * @param clients the Kafka connection (bootstrap servers, security)
     * @param transactionalId unique among the instances running at once, and best kept across a
     *        restart, so that the new producer aborts what the crashed one left open
     * @param library where the books are kept; the ledger of counted books lives beside it
     */
    public static EbookWorker start(
            final KafkaClients clients, final String transactionalId, final EbookLibrary library) {
        return start(clients, transactionalId, library, TraceParent.UNTRACED);
    }

    /** The same, each book a span of {@code telemetry}'s. */
    public static EbookWorker start(
            final KafkaClients clients,
            final String transactionalId,
            final EbookLibrary library,
            final OpenTelemetry telemetry) {
        clients.askGroupForItsSettings(GROUP_ID);
        final EbookWorker worker = new EbookWorker(
                // a few seconds of PDFs per transaction, far inside max.poll.interval.ms
                new KafkaConsumer<>(
                        clients.groupConsumer(GROUP_ID, 50),
                        Topics.EBOOK_REQUESTS.keySerde().deserializer(),
                        Topics.EBOOK_REQUESTS.valueSerde().deserializer()),
                new KafkaProducer<>(
                        clients.transactionalProducer(transactionalId, TRANSACTION_TIMEOUT),
                        Topics.EBOOKS_GENERATED.keySerde().serializer(),
                        Topics.EBOOKS_GENERATED.valueSerde().serializer()),
                library,
                library.root().resolveSibling("ebook-ledger"),
                new RecordSpans(telemetry));
        worker.thread.start();
        return worker;
    }

    private void run() {
        try {
            if (!Transactions.init(producer, () -> stopping.getCount() > 0, "E-book worker")) {
                return;
            }
            consumer.subscribe(List.of(Topics.EBOOK_REQUESTS.name()));
            while (stopping.getCount() > 0) {
                final ConsumerRecords<String, EbookRequest> batch = poll();
                if (!batch.isEmpty() && !process(batch)) {
                    stopping.await(RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            log.debug("E-book worker stopping");
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            log.error("E-book worker stopped: its producer cannot go on", e);
        } catch (RuntimeException e) {
            log.error("E-book worker stopped", e);
        } finally {
            consumer.close();
            producer.close();
        }
    }

    /** A record nobody can read is passed over, so that it does not stop the requests behind it. */
    private ConsumerRecords<String, EbookRequest> poll() {
        try {
            return consumer.poll(POLL);
        } catch (RecordDeserializationException e) {
            log.warn(
                    "E-book worker: passing over unreadable record at {} offset {}", e.topicPartition(), e.offset(), e);
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }

    /**
     * Makes the batch's books and commits their events with the offsets, all or nothing.
     *
     * @return false when the batch failed and will be read again
     */
    private boolean process(final ConsumerRecords<String, EbookRequest> batch) {
        final Set<Path> counted = new LinkedHashSet<>();
        final Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        producer.beginTransaction();
        try {
            for (final TopicPartition partition : batch.partitions()) {
                for (final ConsumerRecord<String, EbookRequest> record : batch.records(partition)) {
                    if (complete(record.value())) {
                        make(record, counted);
                    } else {
                        log.warn(
                                "E-book worker: passing over a request without order, customer or SKU at {} offset {}",
                                partition,
                                record.offset());
                    }
                    next.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            Transactions.commit(producer, () -> stopping.getCount() > 0, "E-book worker");
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e;
        } catch (IOException | KafkaException e) {
            log.warn(
                    "E-book worker: batch of {} requests failed, reading it again in {}",
                    batch.count(),
                    RETRY_AFTER,
                    e);
            producer.abortTransaction();
            rewind(batch);
            return false;
        }
        for (final Path mark : counted) {
            markCounted(mark);
        }
        return true;
    }

    /** A request without its ids could never be made, however often it was tried. */
    private static boolean complete(final EbookRequest request) {
        return request != null && request.orderId() != null && request.customerId() != null && request.sku() != null;
    }

    private void make(final ConsumerRecord<String, EbookRequest> record, final Set<Path> counted) throws IOException {
        final EbookRequest request = record.value();
        final Span span = spans.start("ebook make", record.headers(), Topics.EBOOK_REQUESTS.name(), request.orderId());
        try {
            make(request, counted);
        } catch (IOException | RuntimeException e) {
            RecordSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void make(final EbookRequest request, final Set<Path> counted) throws IOException {
        final EbookLibrary.Ebook ebook = library.ebookFor(new Personalisation(
                request.orderId(), request.customerId(), request.customerName(), request.sku(), request.title()));
        final Path mark = ledger.resolve(ebook.name());
        if (Files.exists(mark) || !counted.add(mark)) {
            log.debug("E-book {} already counted", ebook.name());
            return;
        }
        producer.send(new ProducerRecord<>(
                Topics.EBOOKS_GENERATED.name(),
                request.customerId(),
                new EbookGenerated(
                        request.orderId(),
                        request.customerId(),
                        request.sku(),
                        ebook.name(),
                        ebook.pages(),
                        ebook.bytes(),
                        System.currentTimeMillis())));
        log.info(
                "E-book {} ({} pages, {} bytes) {}",
                ebook.name(),
                ebook.pages(),
                ebook.bytes(),
                ebook.made() ? "made" : "was already on disk");
    }

    /** Back to the batch's first records, on the partitions still ours, so that none is skipped. */
    private void rewind(final ConsumerRecords<String, EbookRequest> batch) {
        final Set<TopicPartition> assigned = consumer.assignment();
        for (final TopicPartition partition : batch.partitions()) {
            if (assigned.contains(partition)) {
                consumer.seek(partition, batch.records(partition).get(0).offset());
            }
        }
    }

    /**
     * After the commit: a crash before this line leaves the book unmarked, but the committed offsets
     * keep its request from being read again, so only a reset of this group could count it twice.
     */
    private void markCounted(final Path mark) {
        try {
            Files.createDirectories(mark.getParent());
            Files.createFile(mark);
        } catch (FileAlreadyExistsException e) {
            log.debug("E-book {} was marked meanwhile", mark);
        } catch (IOException e) {
            log.warn("E-book worker: cannot mark {} as counted; a replay of its request would count it again", mark, e);
        }
    }

    /** Stops after the batch at hand; what it had not committed is read again by the next owner. */
    @Override
    public void close() throws InterruptedException {
        stopping.countDown();
        consumer.wakeup();
        thread.join();
    }
}
