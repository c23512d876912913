package io.purchasepipeline.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StopLapsTest {

    @Test
    void saysTheWholeStopAndEachPartsShareOfIt() {
        final AtomicLong clock = new AtomicLong(5_000_000_000L);
        final StopLaps laps = new StopLaps(clock::get);

        clock.addAndGet(12_400_000);
        laps.lap("HTTP");
        clock.addAndGet(29_900_000_000L);
        laps.lap("mail");
        clock.addAndGet(1_650_000_000);
        laps.lap("stream tasks");

        assertThat(laps).hasToString("31562 ms: HTTP 12, mail 29900, stream tasks 1650");
    }
}
