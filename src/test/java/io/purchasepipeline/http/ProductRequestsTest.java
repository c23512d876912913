package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ProductRequestsTest {

    @Test
    void acceptsAPriceUpToTheLimit() {
        final Product product = ProductRequests.validated(
                "lamp", new ProductRequests.PutProduct("Lamp", "PHYSICAL", ProductRequests.MAX_PRICE, 3L));

        assertThat(product).isEqualTo(new Product("lamp", "Lamp", ProductKind.PHYSICAL, ProductRequests.MAX_PRICE, 3L));
    }

    @Test
    void refusesAPriceAboveTheLimitHoweverItIsWritten() {
        // 1E+999999999 has no decimals at all: only the bound stops it (its plain form is a billion digits)
        for (final String price : new String[] {"1000000000.01", "1E+999999999", "1E+10"}) {
            assertThatThrownBy(() -> ProductRequests.validated(
                            "lamp", new ProductRequests.PutProduct("Lamp", "DIGITAL", new BigDecimal(price), null)))
                    .as(price)
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            e -> assertThat(e.details())
                                    .containsExactly("price: 0 to 1000000000.00 with at most two decimals"));
        }
    }

    @Test
    void refusesControlCharactersInTheName() {
        assertThatThrownBy(() -> ProductRequests.validated(
                        "lamp", new ProductRequests.PutProduct("La\u0000mp", "DIGITAL", BigDecimal.ONE, null)))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.details())
                                .containsExactly("name: required, at most 200 characters, no control characters"));
    }
}
