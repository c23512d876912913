package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which partitions wait, for how long, and when an email deferred too often is given up. */
class WaitsTest {

    private static final TopicPartition P0 = new TopicPartition("emails", 0);
    private static final TopicPartition P1 = new TopicPartition("emails", 1);

    private final Waits waits = new Waits(new RetryPolicy(Duration.ofHours(1), Duration.ofHours(4), 3));

    @Test
    void aDeferredEmailHoldsUpItsPartitionOnlyLongerEachTimeUntilItIsGivenUp() {
        final Waits.Deferral first = waits.defer(P0, "e-1");
        final Waits.Deferral second = waits.defer(P0, "e-1");
        final Waits.Deferral third = waits.defer(P0, "e-1");

        assertThat(first).isEqualTo(new Waits.Deferral(1, Duration.ofHours(1)));
        assertThat(second).isEqualTo(new Waits.Deferral(2, Duration.ofHours(2)));
        assertThat(third).isEqualTo(new Waits.Deferral(3, null));
        assertThat(waits.waiting(P0, System.nanoTime())).isFalse();
    }

    @Test
    void anotherEmailOnThePartitionStartsItsOwnCountAndOtherPartitionsGoOn() {
        waits.defer(P0, "e-1");

        assertThat(waits.waiting(P0, System.nanoTime())).isTrue();
        assertThat(waits.waiting(P1, System.nanoTime())).isFalse();
        assertThat(waits.defer(P0, "e-2")).isEqualTo(new Waits.Deferral(1, Duration.ofHours(1)));
    }

    @Test
    void theRedeliveryDelayIsWaitedOnceAndKeepsTheCountOfDeferrals() {
        waits.defer(P0, "e-1");
        waits.hold(P0, "e-1", Duration.ofMinutes(5));

        assertThat(waits.redeliveryWaited(P0, "e-1")).isTrue();
        assertThat(waits.redeliveryWaited(P0, "e-2")).isFalse();
        assertThat(waits.defer(P0, "e-1")).isEqualTo(new Waits.Deferral(2, Duration.ofHours(2)));
    }

    @Test
    void whileNoEmailCanGoEveryPartitionWaitsLongerEachTimeUntilEmailsGoAgain() {
        assertThat(waits.waitForAll()).isEqualTo(Duration.ofHours(1));
        assertThat(waits.waitForAll()).isEqualTo(Duration.ofHours(2));
        assertThat(waits.waiting(P0, System.nanoTime())).isTrue();
        assertThat(waits.waiting(P1, System.nanoTime())).isTrue();

        waits.available();

        assertThat(waits.waiting(P1, System.nanoTime())).isFalse();
        assertThat(waits.waitForAll()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aPartitionPassedOrGoneWaitsNoMore() {
        waits.defer(P0, "e-1");
        waits.defer(P1, "e-9");

        waits.passed(P0);
        waits.forget(List.of(P1));

        assertThat(waits.waiting(P0, System.nanoTime())).isFalse();
        assertThat(waits.waiting(P1, System.nanoTime())).isFalse();
    }
}
