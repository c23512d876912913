package io.purchasepipeline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which placements are past their hold timeout, on the task's wall clock and stream time. */
class HoldClockTest {

    private static final long T0 = PipelineDriver.START.toEpochMilli();
    private static final long TIMEOUT = PipelineConfig.DEFAULTS.holdTimeout().toMillis();
    private static final long RETENTION =
            PipelineConfig.DEFAULTS.orderRetention().toMillis();
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();

    @Test
    void aTaskThatReadsBehindExpiresOnlyWhatItsStreamTimeIsPast() {
        // placed at T0, read on: 25 minutes later it has read what was written in the first 5
        HoldClock clock = HoldClock.started(PipelineConfig.DEFAULTS, T0, T0);
        for (int minute = 1; minute <= 25; minute++) {
            clock = clock.read(T0 + minute * 12_000L, T0 + minute * MINUTE);
        }

        assertThat(clock.expiresPlacedUpTo(T0 + 25 * MINUTE)).isEqualTo(T0 + 5 * MINUTE - TIMEOUT);
    }

    @Test
    void aStreamTimeAheadOfTheWallClockExpiresNothingTheWallClockIsNotPast() {
        final HoldClock clock =
                HoldClock.started(PipelineConfig.DEFAULTS, T0, T0).read(T0 + 60 * MINUTE, T0 + MINUTE);

        assertThat(clock.expiresPlacedUpTo(T0 + 2 * MINUTE)).isEqualTo(T0 + 2 * MINUTE - TIMEOUT);
    }

    @Test
    void aTaskWhoseStreamTimeStoodStillForAHoldTimeoutGoesByTheWallClockAlone() {
        final HoldClock clock =
                HoldClock.started(PipelineConfig.DEFAULTS, -1, T0).read(T0, T0 + MINUTE);

        assertThat(clock.expiresPlacedUpTo(T0 + MINUTE + TIMEOUT - 1)).isEqualTo(T0 - TIMEOUT);
        assertThat(clock.expiresPlacedUpTo(T0 + MINUTE + TIMEOUT)).isEqualTo(T0 + MINUTE);
    }

    @Test
    void aReadOfNothingNewerIsNoMove() {
        final HoldClock clock =
                HoldClock.started(PipelineConfig.DEFAULTS, T0, T0).read(T0 + MINUTE, T0 + MINUTE);

        assertThat(clock.read(T0 + MINUTE, T0 + 5 * MINUTE)).isEqualTo(clock);
        assertThat(clock.read(T0, T0 + 5 * MINUTE)).isEqualTo(clock);
    }

    @Test
    void aTaskThatStartsBehindItsInputsCountsItsQuietFromItsStart() {
        // it last read at T0, and starts again 15 minutes later
        final HoldClock clock = HoldClock.started(PipelineConfig.DEFAULTS, T0, T0 + 15 * MINUTE);

        assertThat(clock.expiresPlacedUpTo(T0 + 15 * MINUTE + 1_000)).isEqualTo(T0 - TIMEOUT);
        assertThat(clock.expiresPlacedUpTo(T0 + 15 * MINUTE + TIMEOUT)).isEqualTo(T0 + 15 * MINUTE);
    }

    @Test
    void anOrderStillOpenAtTheEndOfItsRetentionExpiresWhateverTheTaskRead() {
        HoldClock clock = HoldClock.started(PipelineConfig.DEFAULTS, T0, T0);
        final long end = T0 + RETENTION;
        clock = clock.read(T0 + 1, end - MINUTE);

        assertThat(clock.expiresPlacedUpTo(end)).isEqualTo(T0);
    }
}
