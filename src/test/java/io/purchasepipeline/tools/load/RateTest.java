package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class RateTest {

    private final Rate.Converter converter = new Rate.Converter();

    @Test
    void aFixedRateDueEachOrderOnOneScheduleFromTheStart() {
        final Rate rate = new Rate(1000);

        assertThat(rate.dueNanos(5_000, 0)).isEqualTo(5_000);
        assertThat(rate.dueNanos(5_000, 1)).isEqualTo(5_000 + TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(rate.dueNanos(5_000, 30_000)).isEqualTo(5_000 + TimeUnit.SECONDS.toNanos(30));
        assertThat(new Rate(3).dueNanos(0, 1)).isEqualTo(333_333_333);
    }

    @Test
    void atTheMaximumRateEveryOrderIsDueAtOnce() {
        assertThat(Rate.MAX.dueNanos(5_000, 1_000_000)).isEqualTo(5_000);
    }

    @Test
    void readsMaxZeroOrAWholeNumber() {
        assertThat(converter.convert("max")).isEqualTo(Rate.MAX);
        assertThat(converter.convert("MAX").max()).isTrue();
        assertThat(converter.convert("0")).isEqualTo(Rate.MAX);
        assertThat(converter.convert("1000")).isEqualTo(new Rate(1000));
        assertThat(converter.convert("1000")).hasToString("1000");
        assertThat(Rate.MAX).hasToString("max");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "fast", "1.5", "", "99999999999"})
    void refusesAnythingElse(final String value) {
        assertThatThrownBy(() -> converter.convert(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("not a rate");
    }
}
