package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.tools.load.CardMix.Card;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class CardMixTest {

    private final CardMix.Converter converter = new CardMix.Converter();

    @Test
    void readsNamedWeights() {
        assertThat(converter
                        .convert("approved=98, declined=2,Insufficient-Funds=0.5")
                        .weights())
                .isEqualTo(Map.of(Card.APPROVED, 98.0, Card.DECLINED, 2.0, Card.INSUFFICIENT_FUNDS, 0.5));
        assertThat(converter.convert(CardMix.DEFAULT).labelled()).isEqualTo(Map.of("approved", 98.0, "declined", 2.0));
    }

    @Test
    void picksEachCardForItsShareOfTheUnitInterval() {
        final CardMix mix = converter.convert("approved=3,declined=0,insufficient-funds=1");

        assertThat(mix.pick(0.0)).isEqualTo(Card.APPROVED);
        assertThat(mix.pick(0.7499)).isEqualTo(Card.APPROVED);
        assertThat(mix.pick(0.75)).isEqualTo(Card.INSUFFICIENT_FUNDS);
        assertThat(mix.pick(0.99999)).isEqualTo(Card.INSUFFICIENT_FUNDS);
    }

    @Test
    void eachCardIsTheSimulatorsTestCardMasked() {
        assertThat(Card.APPROVED.masked()).isEqualTo("424242******4242");
        assertThat(Card.DECLINED.masked()).isEqualTo("400000******0002");
        assertThat(Card.INSUFFICIENT_FUNDS.masked()).isEqualTo("400000******9995");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"approved", "visa=1", "approved=-1", "approved=x", "approved=1,approved=2", "declined=0", ""})
    void refusesAnythingElse(final String value) {
        assertThatThrownBy(() -> converter.convert(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + value + "'");
    }
}
