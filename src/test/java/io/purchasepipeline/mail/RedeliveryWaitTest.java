package io.purchasepipeline.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long an email whose hand-over was cut short waits before it is handed over again. */
class RedeliveryWaitTest {

    private static final Duration DELAY = Duration.ofSeconds(5);
    private static final long NOW = 1_000_000_000L;

    @Test
    void waitsWhatIsLeftOfTheDelaySinceTheMark() {
        assertThat(EmailHandler.redeliveryWait(DELAY, NOW - 2_000, NOW)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void goesAtOnceWhenTheDelayHasPassedOrTheMarkIsUnknown() {
        assertThat(EmailHandler.redeliveryWait(DELAY, NOW - 60_000, NOW)).isZero();
        assertThat(EmailHandler.redeliveryWait(DELAY, 0, NOW)).isZero();
    }

    @Test
    void aMarkFromAClockAheadOfThisOneWaitsNoLongerThanTheDelay() {
        assertThat(EmailHandler.redeliveryWait(DELAY, NOW + Duration.ofHours(1).toMillis(), NOW))
                .isEqualTo(DELAY);
    }

    @Test
    void noDelayMeansAtOnce() {
        assertThat(EmailHandler.redeliveryWait(Duration.ZERO, NOW, NOW)).isZero();
    }
}
