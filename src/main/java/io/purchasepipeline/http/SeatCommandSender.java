package io.purchasepipeline.http;

import io.purchasepipeline.runtime.TopicWriter;
import io.purchasepipeline.serdes.SeatAction;
import io.purchasepipeline.serdes.SeatCommand;
import io.purchasepipeline.serdes.SeatResult;
import io.purchasepipeline.serdes.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a user's seat command through Kafka to the seat's owner task and waits for its answer on
 * {@code seat-reservation-results}. Every instance reads all the answers from where they stood at
 * its start, so the answer to a command it sent is always seen; a command that gets no answer in
 * time is answered 503, never with a guess.
 */
public final class SeatCommandSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SeatCommandSender.class);

    private final TopicWriter producer;
    private final org.apache.kafka.clients.consumer.Consumer<String, SeatResult> results;
    private final Duration timeout;
    private final Consumer<SeatResult> observer;
    private final Map<String, CompletableFuture<SeatResult>> waiting = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean closed;

    /**
     * @param results a read_committed consumer without a group; assigned every partition here
     * @param observer told of every answer to a command this instance sent (metrics)
     */
    public SeatCommandSender(
            final TopicWriter producer,
            final org.apache.kafka.clients.consumer.Consumer<String, SeatResult> results,
            final Duration timeout,
            final Consumer<SeatResult> observer) {
        this.producer = producer;
        this.results = results;
        this.timeout = timeout;
        this.observer = observer;
        final List<TopicPartition> partitions = results.partitionsFor(Topics.SEAT_RESERVATION_RESULTS.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        results.assign(partitions);
        results.seekToEnd(partitions);
        // resolve the end offsets now: an answer written after this point cannot be missed
        partitions.forEach(results::position);
        this.reader = new Thread(this::readAnswers, "seat-results-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends the command and waits for its answer. */
    public SeatResult send(final String seatId, final String user, final SeatAction action, final String correlationId)
            throws InterruptedException {
        final String requestId = UUID.randomUUID().toString();
        final CompletableFuture<SeatResult> answer = new CompletableFuture<>();
        waiting.put(requestId, answer);
        try {
            producer.send(
                            Topics.SEAT_RESERVATIONS,
                            seatId,
                            new SeatCommand(requestId, seatId, user, action),
                            correlationId)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw ApiException.unavailable("no answer for seat " + seatId + " within " + timeout.toMillis() + " ms", 1);
        } catch (ExecutionException e) {
            throw ApiException.unavailable(
                    "the seat command could not be sent: " + e.getCause().getMessage(), 1);
        } finally {
            waiting.remove(requestId);
        }
    }

    private void readAnswers() {
        try {
            while (!closed) {
                for (final ConsumerRecord<String, SeatResult> record : results.poll(Duration.ofMillis(500))) {
                    final SeatResult result = record.value();
                    if (result == null) {
                        continue;
                    }
                    final CompletableFuture<SeatResult> answer = waiting.get(result.requestId());
                    if (answer != null) {
                        observer.accept(result);
                        answer.complete(result);
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("Seat answers are no longer read; seat requests will answer 503", e);
        } finally {
            results.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        results.wakeup();
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }
}
