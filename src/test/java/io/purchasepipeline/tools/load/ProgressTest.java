package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void theBarShowsOrdersEndedOfExpectedWithWhatIsSentAndInFlight() {
        final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        final Outcomes.Snapshot now = new Outcomes.Snapshot(1500, 1200, 300, 0, 0, 212.4);

        try (Progress progress = Progress.bar(
                2000,
                new ConsoleProgressBarConsumer(new PrintStream(drawn, true, StandardCharsets.UTF_8), 200),
                () -> now)) {
            assertThat(progress).isNotSameAs(Progress.NONE);
        }

        assertThat(drawn.toString(StandardCharsets.UTF_8))
                .contains("load")
                .contains("1200/2000")
                .contains(" sent 1,500, 300 in flight, p99 212 ms");
    }

    @Test
    void failuresAndDuplicatesShowOnlyWhenThereAreAny() {
        assertThat(Progress.message(new Outcomes.Snapshot(10, 5, 5, 0, 0, 1))).doesNotContain("failed", "twice");
        assertThat(Progress.message(new Outcomes.Snapshot(10, 5, 5, 2, 1, 1))).endsWith(", 2 failed, 1 ended twice");
    }
}
