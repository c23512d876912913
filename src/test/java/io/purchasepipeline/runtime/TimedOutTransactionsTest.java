package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

class TimedOutTransactionsTest {

    private static final Duration SHORTEST = Duration.ofSeconds(5);

    private final AtomicLong now = new AtomicLong(100_000);
    private final List<TimedOutTransactions.Running> open = new ArrayList<>();
    private final List<Duration> askedFor = new ArrayList<>();
    private final List<Collection<String>> fenced = new ArrayList<>();
    private RuntimeException failure;

    private final TimedOutTransactions.Cluster cluster = new TimedOutTransactions.Cluster() {
        @Override
        public List<TimedOutTransactions.Running> open(final Duration atLeast) {
            askedFor.add(atLeast);
            if (failure != null) {
                throw failure;
            }
            return List.copyOf(open);
        }

        @Override
        public void fence(final Collection<String> transactionalIds) {
            fenced.add(List.copyOf(transactionalIds));
        }
    };

    private final TimedOutTransactions check = new TimedOutTransactions(cluster, SHORTEST, now::get);

    @Test
    void fencesATransactionOpenForItsWholeTimeoutAndOnlyThatOne() {
        open.add(new TimedOutTransactions.Running("purchase-pipeline-dead-1", 7, 3, now.get() - 5_000, 5_000));
        open.add(new TimedOutTransactions.Running("purchase-pipeline-live-1", 8, 1, now.get() - 4_999, 5_000));
        // open as long, but with a longer timeout of its own (the mail sender's 10 s)
        open.add(new TimedOutTransactions.Running("purchase-pipeline-mail-x", 9, 1, now.get() - 6_000, 10_000));

        try (LogCapture log = LogCapture.of(TimedOutTransactions.class, Level.WARN)) {
            assertThat(check.check()).containsExactly("purchase-pipeline-dead-1");
            assertThat(log.lines())
                    .singleElement()
                    .asString()
                    .startsWith("WARN Fenced purchase-pipeline-dead-1: its transaction (producer 7, epoch 3) was open"
                            + " for 5000 ms, past its 5000 ms timeout");
        }
        assertThat(fenced).containsExactly(List.of("purchase-pipeline-dead-1"));
        assertThat(askedFor).containsExactly(SHORTEST);
    }

    @Test
    void asksAgainEverySecondAndFencesWhatHasTimedOutSince() {
        open.add(new TimedOutTransactions.Running("purchase-pipeline-a-1", 7, 0, now.get() - 4_500, 5_000));
        assertThat(check.check()).isEmpty();
        assertThat(fenced).isEmpty();

        now.addAndGet(TimedOutTransactions.CHECK_EVERY.toMillis());
        assertThat(check.check()).containsExactly("purchase-pipeline-a-1");
    }

    @Test
    void aClusterThatCannotBeAskedIsSaidOnceAndAskedAgain() {
        failure = new IllegalStateException("no broker");
        try (LogCapture log = LogCapture.of(TimedOutTransactions.class, Level.INFO)) {
            assertThat(check.check()).isEmpty();
            assertThat(check.check()).isEmpty();
            assertThat(check.check()).isEmpty();
            failure = null;
            open.add(new TimedOutTransactions.Running("purchase-pipeline-a-1", 7, 0, now.get() - 9_000, 5_000));
            assertThat(check.check()).containsExactly("purchase-pipeline-a-1");

            assertThat(log.lines()).hasSize(3);
            assertThat(log.lines().get(0)).startsWith("WARN Could not look for timed-out transactions");
            assertThat(log.lines().get(1)).isEqualTo("INFO Looking for timed-out transactions again");
            assertThat(log.lines().get(2)).startsWith("WARN Fenced purchase-pipeline-a-1");
        }
        assertThat(askedFor).hasSize(4);
    }

    @Test
    void theAppsTransactionalIdsAreItsStreamThreadsAndItsWorkers() {
        assertThat(TimedOutTransactions.ofApp("shop"))
                .accepts("shop-5b1c2d3e-1", "purchase-pipeline-payments-app-1:8080", "purchase-pipeline-mail-4f2a")
                .rejects("shopping-1", "other-app-1", "purchase-pipelines-1");
    }
}
