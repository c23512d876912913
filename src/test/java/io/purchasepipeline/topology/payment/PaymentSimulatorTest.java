package io.purchasepipeline.topology.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PaymentSimulatorTest {

    private final PaymentSimulator gateway = new PaymentSimulator();

    @Test
    void knowsItsTestCardsWholeAndMasked() throws Exception {
        for (final String card : new String[] {PaymentSimulator.DECLINED_CARD, Cards.mask(PaymentSimulator.DECLINED_CARD)}) {
            assertThat(gateway.charge("d-" + card, BigDecimal.TEN, card).outcome()).isEqualTo(PaymentOutcome.DECLINED);
        }
        assertThat(gateway.charge("i", BigDecimal.TEN, Cards.mask(PaymentSimulator.INSUFFICIENT_FUNDS_CARD)).outcome())
                .isEqualTo(PaymentOutcome.INSUFFICIENT_FUNDS);
        assertThat(gateway.charge("a", BigDecimal.TEN, Cards.mask(PaymentSimulator.APPROVED_CARD)).outcome())
                .isEqualTo(PaymentOutcome.APPROVED);
        assertThat(gateway.charge("m", BigDecimal.TEN, Cards.mask("5555555555554444")).outcome()).isEqualTo(PaymentOutcome.APPROVED);
        assertThat(gateway.charge("bad", BigDecimal.TEN, "4242424242424241").outcome()).isEqualTo(PaymentOutcome.DECLINED);
        assertThatThrownBy(() -> gateway.charge("u", BigDecimal.TEN, Cards.mask(PaymentSimulator.UNAVAILABLE_CARD)))
                .isInstanceOf(PaymentUnavailableException.class);
    }

    @Test
    void chargesEachIdempotencyKeyOnce() throws Exception {
        final PaymentResult first = gateway.charge("order-1", BigDecimal.TEN, PaymentSimulator.APPROVED_CARD);
        final PaymentResult again = gateway.charge("order-1", BigDecimal.TEN, PaymentSimulator.APPROVED_CARD);

        assertThat(again).isEqualTo(first);
        assertThat(gateway.chargesFor("order-1")).isEqualTo(1);
        assertThat(gateway.doubleCharges()).isEmpty();
    }

    @Test
    void masksAllButTheFirstSixAndLastFourDigits() {
        assertThat(Cards.mask("4242424242424242")).isEqualTo("424242******4242");
        assertThat(Cards.mask("378282246310005")).isEqualTo("378282*****0005");
    }
}
