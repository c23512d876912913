package io.purchasepipeline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.runtime.LogCapture;
import io.purchasepipeline.serdes.ProductKind;
import io.purchasepipeline.serdes.ReservationAction;
import io.purchasepipeline.serdes.ReservationCommand;
import java.time.Duration;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/**
 * Answers for orders the customer's task does not have (a replay past their retention, a load of
 * bare reservation commands as bench/contention sends): the stream thread logs the first at once and
 * counts the rest, one line per interval, instead of a log line each.
 */
class UnknownOrderAnswersTest {

    private static final String FIRST =
            "WARN LineAnswered for order bare-0, which this task does not have (forgotten after its retention?):"
                    + " ignored; more such answers are counted and reported every 30 s";

    @Test
    void aFloodOfAnswersForUnknownOrdersIsLoggedOnceThenCountedOncePerInterval() {
        try (PipelineDriver pipeline = new PipelineDriver(new GatewayDesk(), Map.of());
                LogCapture log = LogCapture.of(OrderLifecycle.class, Level.WARN)) {
            pipeline.define("book", ProductKind.PHYSICAL, "10.00", 1_000L);

            for (int i = 0; i < 200; i++) {
                pipeline.reservationCommand(
                        new ReservationCommand("bare-" + i, "book", ReservationAction.HOLD, 1, "alice"));
            }
            assertThat(log.lines()).containsExactly(FIRST);

            pipeline.advanceWallClock(Duration.ofSeconds(10));
            assertThat(log.lines()).as("no report before the interval").containsExactly(FIRST);

            pipeline.advanceWallClock(Duration.ofSeconds(20));
            assertThat(log.lines())
                    .containsExactly(
                            FIRST,
                            "WARN 199 more answers for orders this task does not have were ignored in the last 30 s"
                                    + " (the last: LineAnswered for order bare-199)");

            pipeline.advanceWallClock(Duration.ofSeconds(60));
            assertThat(log.lines()).as("nothing to report").hasSize(2);

            pipeline.reservationCommand(new ReservationCommand("bare-0", "book", ReservationAction.HOLD, 1, "alice"));
            assertThat(log.lines())
                    .as("after a quiet interval, the next one at once")
                    .hasSize(3)
                    .last()
                    .isEqualTo(FIRST);
        }
    }
}
