package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.serdes.Order;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderSubmissionTest {

    private static PlaceOrderRequest request(final String card) {
        return new PlaceOrderRequest(
                "alice",
                "Alice",
                "alice@example.com",
                List.of(new PlaceOrderRequest.Item("book", 2)),
                new PlaceOrderRequest.Payment(card));
    }

    @Test
    void keepsNoFullCardNumber() {
        final Order order = OrderSubmission.validated(request("4242 4242 4242 4242"), null);

        assertThat(order.payment().card()).isEqualTo("424242******4242");
        assertThat(order.toString()).doesNotContain("4242424242424242");
    }

    @Test
    void sameCustomerAndKeyNameTheSameOrder() {
        assertThat(OrderSubmission.validated(request("4242424242424242"), "k").orderId())
                .isEqualTo(OrderSubmission.validated(request("4242424242424242"), "k")
                        .orderId())
                .isNotEqualTo(OrderSubmission.validated(request("4242424242424242"), "other")
                        .orderId());
        assertThat(OrderSubmission.validated(request("4242424242424242"), null).orderId())
                .isNotEqualTo(OrderSubmission.validated(request("4242424242424242"), null)
                        .orderId());
    }

    @Test
    void refusesIdsOfDotsAlone() {
        final PlaceOrderRequest request = new PlaceOrderRequest(
                "..",
                "Dots",
                "dots@example.com",
                List.of(new PlaceOrderRequest.Item(".", 1)),
                new PlaceOrderRequest.Payment("4242424242424242"));

        assertThatThrownBy(() -> OrderSubmission.validated(request, null))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.details())
                                .containsExactly(
                                        "customerId: 1 to 64 letters, digits or ._:@-",
                                        "items[0].sku: 1 to 64 letters, digits or ._-"));
        assertThat(OrderSubmission.validated(
                                new PlaceOrderRequest(
                                        "a.b",
                                        "Dots",
                                        "dots@example.com",
                                        List.of(new PlaceOrderRequest.Item("v1.2", 1)),
                                        new PlaceOrderRequest.Payment("4242424242424242")),
                                null)
                        .customerId())
                .isEqualTo("a.b");
    }

    @Test
    void refusesControlCharactersInTheNameAndEmail() {
        final PlaceOrderRequest request = new PlaceOrderRequest(
                "alice",
                "Alice\u0000\r\nBcc: x@example.com",
                "alice\u0007@example.com",
                List.of(new PlaceOrderRequest.Item("book", 2)),
                new PlaceOrderRequest.Payment("4242424242424242"));

        assertThatThrownBy(() -> OrderSubmission.validated(request, null))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.details())
                                .containsExactly(
                                        "customerName: required, at most 200 characters, no control characters",
                                        "email: not an e-mail address"));
    }

    @Test
    void refusesALuhnInvalidCard() {
        assertThatThrownBy(() -> OrderSubmission.validated(request("4242424242424241"), null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsExactly("payment.card: not a valid card number");
                });
    }
}
