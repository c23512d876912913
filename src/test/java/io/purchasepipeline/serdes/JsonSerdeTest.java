package io.purchasepipeline.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private final JsonSerde<Order> serde = JsonSerde.of(Order.class);

    @Test
    void roundTripsAnEvent() {
        final Order order = new Order(
                "o-1",
                "alice",
                "Alice",
                "a@example.com",
                List.of(new OrderLine("book", 2)),
                new PaymentDetails("4242424242424242"));

        final byte[] bytes = serde.serializer().serialize("orders", order);

        assertThat(serde.deserializer().deserialize("orders", bytes)).isEqualTo(order);
    }

    @Test
    void keepsDecimalPricesExact() {
        final JsonSerde<Product> products = JsonSerde.of(Product.class);
        final Product product = new Product("book", "Book", ProductKind.PHYSICAL, new BigDecimal("0.10"), 3L);

        final Product back = products.deserializer()
                .deserialize("catalog", products.serializer().serialize("catalog", product));

        assertThat(back.price()).isEqualTo(new BigDecimal("0.10"));
    }

    @Test
    void nullStaysNull() {
        assertThat(serde.serializer().serialize("orders", null)).isNull();
        assertThat(serde.deserializer().deserialize("orders", null)).isNull();
    }

    @Test
    void ignoresFieldsItDoesNotKnowSoEventsCanGrow() {
        final byte[] newer = """
                {"orderId":"o-1","customerId":"alice","items":[],"addedLater":{"x":1}}""".getBytes(StandardCharsets.UTF_8);

        assertThat(serde.deserializer().deserialize("orders", newer).orderId()).isEqualTo("o-1");
    }

    @Test
    void writesNoTypeTags() {
        final String json = new String(
                serde.serializer().serialize("orders", new Order("o-1", "alice", null, null, List.of(), null)),
                StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"orderId\":\"o-1\",\"customerId\":\"alice\",\"items\":[]}");
    }

    @Test
    void rejectsBadBytesWithSerializationException() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", "{oops".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("orders");
        assertThatThrownBy(() -> serde.deserializer().deserialize("orders", "null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() ->
                        serde.deserializer().deserialize("orders", "{\"items\":5}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }
}
