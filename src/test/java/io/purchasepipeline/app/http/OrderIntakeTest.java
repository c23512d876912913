package io.purchasepipeline.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.serdes.Order;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderIntakeTest {

    private static PlaceOrderRequest request(final String card) {
        return new PlaceOrderRequest("alice", "Alice", "alice@example.com",
                List.of(new PlaceOrderRequest.Item("book", 2)), new PlaceOrderRequest.Payment(card));
    }

    @Test
    void keepsNoFullCardNumber() {
        final Order order = OrderIntake.validated(request("4242 4242 4242 4242"), null);

        assertThat(order.payment().card()).isEqualTo("424242******4242");
        assertThat(order.toString()).doesNotContain("4242424242424242");
    }

    @Test
    void sameCustomerAndKeyNameTheSameOrder() {
        assertThat(OrderIntake.validated(request("4242424242424242"), "k").orderId())
                .isEqualTo(OrderIntake.validated(request("4242424242424242"), "k").orderId())
                .isNotEqualTo(OrderIntake.validated(request("4242424242424242"), "other").orderId());
        assertThat(OrderIntake.validated(request("4242424242424242"), null).orderId())
                .isNotEqualTo(OrderIntake.validated(request("4242424242424242"), null).orderId());
    }

    @Test
    void refusesALuhnInvalidCard() {
        assertThatThrownBy(() -> OrderIntake.validated(request("4242424242424241"), null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsExactly("payment.card: not a valid card number");
                });
    }
}
