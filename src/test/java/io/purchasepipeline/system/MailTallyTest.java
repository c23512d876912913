package io.purchasepipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The chaos run's email count from the mail server's side, without a run. */
class MailTallyTest {

    @Test
    void everyEmailReceivedOnceIsDeliveredNothingLostNothingRedelivered() {
        final MailTally tally =
                MailTally.of(List.of("<a@p>", "<b@p>", "<c@p>"), Map.of("<a@p>", 1L, "<b@p>", 1L, "<c@p>", 1L));

        assertThat(tally).isEqualTo(new MailTally(3, 3, 3, 0, 0, 0, 0, List.of()));
        assertThat(tally.complete()).isTrue();
        assertThat(tally.failures(0)).isEmpty();
    }

    @Test
    void anEmailRequestedAndNeverReceivedIsLostAndFailsTheRunWhateverTheKills() {
        final MailTally tally = MailTally.of(List.of("<a@p>", "<b@p>", "<c@p>"), Map.of("<a@p>", 1L, "<c@p>", 1L));

        assertThat(tally).isEqualTo(new MailTally(3, 2, 2, 1, 0, 0, 0, List.of("<b@p>")));
        assertThat(tally.complete()).isFalse();
        assertThat(tally.failures(10))
                .singleElement()
                .asString()
                .contains("1 of 3 emails")
                .contains("<b@p>");
    }

    @Test
    void aMessageIdReceivedTwiceIsOneDeliveryOneRedeliveryAndOneCopy() {
        final MailTally tally = MailTally.of(List.of("<a@p>", "<b@p>"), Map.of("<a@p>", 2L, "<b@p>", 1L));

        assertThat(tally).isEqualTo(new MailTally(2, 3, 2, 0, 1, 1, 0, List.of()));
        assertThat(tally.asResult())
                .containsEntry("emails_requested", 2L)
                .containsEntry("emails_delivered", 2L)
                .containsEntry("emails_lost", 0L)
                .containsEntry("emails_redelivered", 1L)
                .containsEntry("email_copies", 1L)
                .doesNotContainKey("emails_lost_sample");
    }

    @Test
    void copiesUpToTheSenderKillsPassOneMoreFails() {
        final MailTally tally =
                MailTally.of(List.of("<a@p>", "<b@p>", "<c@p>"), Map.of("<a@p>", 3L, "<b@p>", 2L, "<c@p>", 1L));

        assertThat(tally.redelivered()).isEqualTo(2);
        assertThat(tally.copies()).isEqualTo(3);
        assertThat(tally.failures(3)).isEmpty();
        assertThat(tally.failures(2))
                .singleElement()
                .asString()
                .contains("3 second copies")
                .contains("2 kills");
    }

    @Test
    void aMessageNobodyRequestedFailsTheRunAndIsNoDelivery() {
        final MailTally tally = MailTally.of(List.of("<a@p>"), Map.of("<a@p>", 1L, "<stray@p>", 1L));

        assertThat(tally.unrequested()).isEqualTo(1);
        assertThat(tally.lost()).isZero();
        assertThat(tally.failures(5)).singleElement().asString().contains("no email on the emails topic names");
    }

    @Test
    void aRequestSeenTwiceOnTheTopicIsOneEmail() {
        final MailTally tally = MailTally.of(List.of("<a@p>", "<a@p>"), Map.of("<a@p>", 1L));

        assertThat(tally.requested()).isEqualTo(1);
        assertThat(tally.failures(0)).isEmpty();
    }

    @Test
    void aCountBelowOneIsNoArrivalAndIsRefused() {
        assertThatThrownBy(() -> MailTally.of(List.of("<a@p>"), Map.of("<a@p>", 0L)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCountsAddUpForManyRandomRuns() {
        final Random random = new Random(23);
        for (int run = 0; run < 200; run++) {
            final List<String> requested = IntStream.range(0, 1 + random.nextInt(50))
                    .mapToObj(i -> "<" + i + "@p>")
                    .toList();
            final Map<String, Long> received = new LinkedHashMap<>();
            for (final String id : requested) {
                final int arrivals =
                        random.nextInt(4) == 0 ? 0 : 1 + (random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0);
                if (arrivals > 0) {
                    received.put(id, (long) arrivals);
                }
            }

            final MailTally tally = MailTally.of(requested, received);

            assertThat(tally.delivered() + tally.lost()).isEqualTo(tally.requested());
            assertThat(tally.received()).isEqualTo(tally.delivered() + tally.copies());
            assertThat(tally.redelivered()).isLessThanOrEqualTo(tally.copies());
            assertThat(tally.lost())
                    .isEqualTo(requested.stream()
                            .filter(id -> !received.containsKey(id))
                            .count());
            assertThat(tally.failures(tally.copies()).isEmpty()).isEqualTo(tally.lost() == 0);
        }
    }
}
