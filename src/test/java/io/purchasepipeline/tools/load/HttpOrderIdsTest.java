package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.RoutableOrderId;
import org.junit.jupiter.api.Test;

class HttpOrderIdsTest {

    private final OrderIds run = new OrderIds(0x0123_4567_89ab_cdefL);
    private final OrderMix mix = new OrderMix(
            new OrderMix.Spec(10, 0, null, 3, 0, 0, 0, 100, new CardMix.Converter().convert(CardMix.DEFAULT)),
            new LoadCatalog(run.runTag(), 10, 0, false),
            run,
            5);
    private final HttpOrderIds ids = new HttpOrderIds(mix);

    @Test
    void anOrdersIdIsTheOneTheApiNamesFromItsCustomerAndKey() {
        final String key = ids.idempotencyKey(17);

        assertThat(key).isEqualTo("load-01234567-17");
        assertThat(ids.id(17))
                .isEqualTo(RoutableOrderId.keyed(mix.order(17).customerId(), key))
                .isEqualTo(ids.expect(17));
    }

    @Test
    void onlyTheIdsExpectedAreTheRunsOwn() {
        final String expected = ids.expect(3);

        assertThat(ids.seq(expected)).isEqualTo(3);
        assertThat(ids.seq(ids.id(4))).isEqualTo(-1);
        assertThat(ids.seq(run.id(3))).isEqualTo(-1);
        assertThat(ids.seq(RoutableOrderId.random(mix.order(3).customerId()))).isEqualTo(-1);
        assertThat(ids.seq(null)).isEqualTo(-1);
    }
}
