package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.bench.ContentionCheck.KeyState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentionCheckTest {

    /** Ten attempts on one SKU stocked with nine units. */
    private final ContentionWorkload hot = ContentionWorkload.oneHotSku(10);

    @Test
    void correctRunShowsNothingWrong() {
        final boolean[] won = {true, true, true, true, true, true, true, true, true, false};

        final ContentionCheck check = ContentionCheck.of(hot, "r", won, List.of(KeyState.stock(0, 9)));

        assertThat(check).isEqualTo(new ContentionCheck(9, 0, 0, 0, 0));
    }

    @Test
    void lostUpdatesAreSuccessesTheStoreDoesNotShow() {
        // all ten told yes, but two writes were overwritten: the row shows only eight units taken
        final boolean[] won = {true, true, true, true, true, true, true, true, true, true};

        final ContentionCheck check = ContentionCheck.of(hot, "r", won, List.of(KeyState.stock(1, 8)));

        assertThat(check).isEqualTo(new ContentionCheck(10, 1, 2, 0, 0));
    }

    @Test
    void brokenConservationIsInconsistent() {
        final boolean[] won = new boolean[10];

        final ContentionCheck check = ContentionCheck.of(hot, "r", won, List.of(KeyState.stock(9, 1)));

        assertThat(check.inconsistent()).isEqualTo(1);
    }

    @Test
    void seatWonByTwoUsersIsADoubleBooking() {
        final ContentionWorkload seats = ContentionWorkload.seatRush(20);
        final boolean[] won = new boolean[20];
        won[0] = true;
        won[3] = true;
        won[10] = true;

        final ContentionCheck check = ContentionCheck.of(
                seats,
                "r",
                won,
                List.of(
                        KeyState.seat(ContentionWorkload.attemptId("r", 3)),
                        KeyState.seat(ContentionWorkload.attemptId("r", 10))));

        assertThat(check).isEqualTo(new ContentionCheck(3, 1, 1, 1, 0));
    }

    @Test
    void seatHeldByNoWinnerIsInconsistent() {
        final ContentionWorkload seats = ContentionWorkload.seatRush(10);
        final boolean[] won = new boolean[10];
        won[0] = true;

        final ContentionCheck check =
                ContentionCheck.of(seats, "r", won, List.of(KeyState.seat(ContentionWorkload.attemptId("r", 5))));

        assertThat(check.inconsistent()).isEqualTo(1);
        assertThat(check.lostUpdates()).isZero();
    }
}
