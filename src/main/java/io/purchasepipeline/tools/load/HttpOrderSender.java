package io.purchasepipeline.tools.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.purchasepipeline.serdes.JsonSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Places the run's orders over HTTP as a storefront's buyers do: {@code clients} clients, each
 * POSTing the next order to an instance's {@code /orders} as soon as its previous one was answered,
 * the clients spread over the instances given. A client waits for the answer (the order is in
 * Kafka), not for the order's end; the ends are read on {@code order-events} as for orders written
 * to Kafka directly.
 *
 * <p>Each order carries an {@code Idempotency-Key}, so its id is known before it is sent
 * ({@link HttpOrderIds}) and its end is matched whether it is read before or after the answer. At a
 * fixed rate the clients share one schedule and an order's latency counts from when it was due, as
 * with {@link OrderSender}; the window of orders in flight holds the clients back as it holds that
 * sender. An answer other than {@value HttpAnswers#ACCEPTED} is counted and its order is not placed:
 * the run goes on and fails at the end. An instance that does not answer, or that names another
 * order than the key does, stops the run: what it measures would no longer be the API's.
 */
public final class HttpOrderSender {

    static final String ORDERS_PATH = "/orders";
    /** How much of a refusal's body a report quotes. */
    private static final int QUOTED = 200;

    private final HttpClient http;
    private final List<URI> intakes;
    private final int clients;
    private final OrderMix mix;
    private final HttpOrderIds ids;
    private final Outcomes outcomes;
    private final HttpAnswers answers;
    private final Rate rate;
    private final Duration timeout;

    /**
     * @param instances base URLs of the instances, e.g. {@code http://127.0.0.1:8080}
     * @param timeout how long a request may take, and how long a client waits for room in a full window
     */
    public HttpOrderSender(
            final HttpClient http,
            final List<URI> instances,
            final int clients,
            final OrderMix mix,
            final HttpOrderIds ids,
            final Outcomes outcomes,
            final HttpAnswers answers,
            final Rate rate,
            final Duration timeout) {
        if (instances.isEmpty() || clients < 1) {
            throw new IllegalArgumentException("at least one instance and one client");
        }
        this.http = http;
        this.intakes = instances.stream().map(HttpOrderSender::intake).toList();
        this.clients = clients;
        this.mix = mix;
        this.ids = ids;
        this.outcomes = outcomes;
        this.answers = answers;
        this.rate = rate;
        this.timeout = timeout;
    }

    /** {@code /orders} under an instance's base URL, with or without its trailing slash. */
    static URI intake(final URI instance) {
        final String base = instance.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + ORDERS_PATH);
    }

    /**
     * Sends until {@code orders} are answered or {@code duration} is over, whichever comes first,
     * and returns once every client has its last answer.
     *
     * @param duration null: no limit in time
     */
    public OrderSender.Stop send(final long orders, final Duration duration) throws InterruptedException {
        final Run run = new Run(System.nanoTime(), orders, duration == null ? Long.MAX_VALUE : duration.toNanos());
        final List<Thread> threads = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            final URI intake = intakes.get(i % intakes.size());
            final Thread client = new Thread(() -> client(run, intake), "load-http-client-" + i);
            client.setDaemon(true);
            threads.add(client);
            client.start();
        }
        try {
            for (final Thread client : threads) {
                client.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        return run.stopped();
    }

    private void client(final Run run, final URI intake) {
        try {
            while (run.going()) {
                final long seq = run.next.getAndIncrement();
                if (seq >= run.orders) {
                    return;
                }
                final long due = rate.dueNanos(run.start, seq);
                if ((rate.max() ? System.nanoTime() : due) - run.start >= run.window) {
                    run.stop(OrderSender.Stop.DURATION);
                    return;
                }
                OrderSender.parkUntil(due);
                final long left = run.window - (System.nanoTime() - run.start);
                if (!outcomes.awaitRoom(Duration.ofNanos(Math.min(timeout.toNanos(), Math.max(0, left))))) {
                    run.stop(left <= timeout.toNanos() ? OrderSender.Stop.DURATION : OrderSender.Stop.STALLED);
                    return;
                }
                if (!run.going()) {
                    return;
                }
                place(run, intake, seq, due);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void place(final Run run, final URI intake, final long seq, final long due) throws InterruptedException {
        final String expected = ids.expect(seq);
        final HttpRequest request = HttpRequest.newBuilder(intake)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", ids.idempotencyKey(seq))
                .header("X-Correlation-Id", mix.correlationId(seq))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(seq)))
                .build();
        final long sentAt = System.nanoTime();
        // placed before it is sent: its end can be read before the answer
        outcomes.placed(seq, rate.max() ? sentAt : due, sentAt);
        final HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            outcomes.failed(seq, new IOException(intake + " did not answer: " + e.getMessage(), e));
            run.stop(OrderSender.Stop.HTTP_FAILED);
            return;
        }
        answers.answered(response.statusCode(), System.nanoTime() - sentAt);
        if (response.statusCode() != HttpAnswers.ACCEPTED) {
            outcomes.failed(
                    seq,
                    new IllegalStateException(
                            "HTTP " + response.statusCode() + " from " + intake + ": " + quoted(response.body())));
            return;
        }
        final String answered = orderId(response.body());
        if (!expected.equals(answered)) {
            outcomes.failed(
                    seq,
                    new IllegalStateException(intake + " answered order " + answered + " for the key of " + expected));
            run.stop(OrderSender.Stop.HTTP_FAILED);
        }
    }

    private byte[] body(final long seq) {
        try {
            return JsonSerde.MAPPER.writeValueAsBytes(mix.request(seq));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String orderId(final String body) {
        try {
            return JsonSerde.MAPPER.readTree(body).path("orderId").asText(null);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String quoted(final String body) {
        final String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= QUOTED ? oneLine : oneLine.substring(0, QUOTED) + "...";
    }

    /** The clients' shared schedule: the next order's number, and why sending stopped (the first reason given). */
    private static final class Run {

        final long start;
        final long orders;
        final long window;
        final AtomicLong next = new AtomicLong();
        private final AtomicReference<OrderSender.Stop> stop = new AtomicReference<>();

        Run(final long start, final long orders, final long window) {
            this.start = start;
            this.orders = orders;
            this.window = window;
        }

        boolean going() {
            return stop.get() == null;
        }

        void stop(final OrderSender.Stop reason) {
            stop.compareAndSet(null, reason);
        }

        OrderSender.Stop stopped() {
            final OrderSender.Stop reason = stop.get();
            return reason == null ? OrderSender.Stop.ORDERS : reason;
        }
    }
}
