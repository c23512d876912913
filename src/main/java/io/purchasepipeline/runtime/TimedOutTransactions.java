package io.purchasepipeline.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers' scan for timed-out transactions, done by the app for its own transactions every
 * second. A process killed inside a transaction leaves it open on every partition it wrote to, and
 * under exactly-once nothing can pass it: not the new owner of its tasks restoring a changelog, not
 * a reader of its outputs, not a consumer of its inputs' committed offsets. Its coordinator aborts
 * it only when a scan finds it past its {@code transaction.timeout.ms}, and the brokers scan every
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}: Kafka's 10 s, so a 5 s
 * transaction waited 5 to 15 s. Scanning more often on the brokers is not safe on Kafka 4.4.0: a
 * restarted broker then aborts, before its listener is up, the transactions that timed out while it
 * was down and loses their markers (AbandonedTransactionsOnBrokerTest).
 *
 * <p>Here, once a second, the cluster is asked for the app's transactions that are still open
 * ({@code ONGOING}) past their own timeout, as their coordinators describe them, and their
 * transactional ids are fenced ({@code Admin.fenceProducers}): the coordinator aborts the open
 * transaction then and there, with its markers, through the same path a new producer of the id
 * takes, and bumps the epoch so the old producer can write nothing more. That is exactly what the
 * brokers' scan would do to the same transactions a few seconds later, and nothing else: a
 * transaction within its timeout is left alone, whoever runs it, and so are other applications'.
 * A live producer whose transaction outlived its timeout (a stall) is fenced, as the broker would
 * have fenced it; a stream thread then rejoins its group and goes on. The age of a transaction is
 * the instance's clock against the start its coordinator recorded; the listing itself is filtered by
 * the broker on its own clock, so a clock ahead of the broker's can fence a transaction early only
 * among those already past the shortest timeout.
 */
public final class TimedOutTransactions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TimedOutTransactions.class);
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration ASK_WITHIN = Duration.ofSeconds(5);

    /** An open transaction as its coordinator describes it. */
    public record Running(String transactionalId, long producerId, int epoch, long startMs, long timeoutMs) {

        /** Whether it has been open for its whole timeout by {@code nowMs}. */
        public boolean timedOut(final long nowMs) {
            return nowMs - startMs >= timeoutMs;
        }
    }

    /** What the check asks of the cluster. */
    public interface Cluster {

        /** The app's transactions that have been open for at least {@code atLeast}. */
        List<Running> open(Duration atLeast) throws Exception;

        /** Fences the producers of these transactional ids, aborting their open transactions. */
        void fence(Collection<String> transactionalIds) throws Exception;
    }

    private final Cluster cluster;
    private final Duration shortestTimeout;
    private final LongSupplier clockMs;
    private boolean failing;
    private ScheduledExecutorService scheduler;

    /**
     * @param shortestTimeout the shortest transaction timeout among the app's producers: transactions
     *        open for less than that are not even asked about
     */
    public TimedOutTransactions(final Cluster cluster, final Duration shortestTimeout, final LongSupplier clockMs) {
        this.cluster = cluster;
        this.shortestTimeout = shortestTimeout;
        this.clockMs = clockMs;
    }

    /**
     * Checks every second, on a thread of its own, until closed.
     *
     * @param ours which transactional ids are the app's
     */
    public static TimedOutTransactions watch(
            final Admin admin, final Predicate<String> ours, final Duration shortestTimeout) {
        final TimedOutTransactions check =
                new TimedOutTransactions(onCluster(admin, ours), shortestTimeout, System::currentTimeMillis);
        check.scheduler = DaemonScheduler.named("timed-out-transactions");
        check.scheduler.scheduleWithFixedDelay(
                check::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return check;
    }

    /** The transactional ids of the app: its stream threads' ({@code <application.id>-...}) and its workers'. */
    public static Predicate<String> ofApp(final String applicationId) {
        final String streams = applicationId + "-";
        final String workers = StreamsSettings.APPLICATION_ID + "-";
        return transactionalId -> transactionalId.startsWith(streams) || transactionalId.startsWith(workers);
    }

    /**
     * One check: fences the transactional ids whose transactions are past their timeout, and
     * returns them. A cluster that cannot be asked (a broker down) is said once in the log, not
     * every second, and asked again at the next check.
     */
    public synchronized Set<String> check() {
        try {
            final long now = clockMs.getAsLong();
            final List<Running> open = cluster.open(shortestTimeout);
            if (failing) {
                LOG.info("Looking for timed-out transactions again");
                failing = false;
            }
            final List<Running> timedOut = open.stream()
                    .filter(transaction -> transaction.timedOut(now))
                    .toList();
            final Set<String> ids =
                    timedOut.stream().map(Running::transactionalId).collect(Collectors.toSet());
            if (!ids.isEmpty()) {
                cluster.fence(ids);
                for (final Running transaction : timedOut) {
                    LOG.warn(
                            "Fenced {}: its transaction (producer {}, epoch {}) was open for {} ms, past its {} ms"
                                    + " timeout, so its process died or stalled; its coordinator aborts it now instead"
                                    + " of at the brokers' next scan for timed-out transactions",
                            transaction.transactionalId(),
                            transaction.producerId(),
                            transaction.epoch(),
                            now - transaction.startMs(),
                            transaction.timeoutMs());
                }
            }
            return ids;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        } catch (Exception e) {
            if (!failing) {
                LOG.warn(
                        "Could not look for timed-out transactions ({}); trying every {} s, the brokers' own scan"
                                + " ends them meanwhile",
                        e.toString(),
                        CHECK_EVERY.toSeconds());
                failing = true;
            }
            return Set.of();
        }
    }

    /** The cluster behind {@code admin}: {@code ListTransactions}, {@code DescribeTransactions}, {@code InitProducerId}. */
    static Cluster onCluster(final Admin admin, final Predicate<String> ours) {
        return new Cluster() {
            @Override
            public List<Running> open(final Duration atLeast) throws Exception {
                final List<String> ids = admin
                        .listTransactions(new ListTransactionsOptions()
                                .filterStates(EnumSet.of(TransactionState.ONGOING))
                                .filterOnDuration(atLeast.toMillis()))
                        .all()
                        .get(ASK_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
                        .stream()
                        .map(TransactionListing::transactionalId)
                        .filter(ours)
                        .toList();
                if (ids.isEmpty()) {
                    return List.of();
                }
                return admin
                        .describeTransactions(ids)
                        .all()
                        .get(ASK_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
                        .entrySet()
                        .stream()
                        .filter(entry -> entry.getValue().state() == TransactionState.ONGOING
                                && entry.getValue().transactionStartTimeMs().isPresent())
                        .map(entry -> running(entry.getKey(), entry.getValue()))
                        .toList();
            }

            @Override
            public void fence(final Collection<String> transactionalIds) throws Exception {
                admin.fenceProducers(transactionalIds).all().get(ASK_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            }
        };
    }

    private static Running running(final String transactionalId, final TransactionDescription description) {
        return new Running(
                transactionalId,
                description.producerId(),
                description.producerEpoch(),
                description.transactionStartTimeMs().getAsLong(),
                description.transactionTimeoutMs());
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
