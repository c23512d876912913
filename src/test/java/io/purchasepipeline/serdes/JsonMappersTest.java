package io.purchasepipeline.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The events' mapper and the request bodies' mapper share their reading rules; the requests' is stricter. */
class JsonMappersTest {

    record Line(String sku, int quantity) {}

    record Price(BigDecimal amount, String note) {}

    private final ObjectMapper events = JsonMappers.events();
    private final ObjectMapper requests = JsonMappers.requests();

    @Test
    void bothIgnoreFieldsTheyDoNotKnowAndReadFractionsExactly() throws Exception {
        final String json = "{\"amount\":0.10,\"note\":\"n\",\"added\":true}";

        assertThat(events.readValue(json, Price.class)).isEqualTo(new Price(new BigDecimal("0.10"), "n"));
        assertThat(requests.readValue(json, Price.class)).isEqualTo(new Price(new BigDecimal("0.10"), "n"));
    }

    @Test
    void bothRefuseNullForAPrimitive() {
        final String json = "{\"sku\":\"book\",\"quantity\":null}";

        assertThatThrownBy(() -> events.readValue(json, Line.class)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> requests.readValue(json, Line.class)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void eventsLeaveNullsOut() throws Exception {
        assertThat(events.writeValueAsString(new Price(BigDecimal.ONE, null))).isEqualTo("{\"amount\":1}");
    }

    @Test
    void requestsRefuseWhatTheEventsMapperWouldConvert() throws Exception {
        final String numberForName = "{\"sku\":42,\"quantity\":1}";
        final String fractionForCount = "{\"sku\":\"book\",\"quantity\":1.5}";
        final String trailing = "{\"sku\":\"book\",\"quantity\":1} {}";

        assertThat(events.readValue(numberForName, Line.class)).isEqualTo(new Line("42", 1));
        assertThatThrownBy(() -> requests.readValue(numberForName, Line.class))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> requests.readValue(fractionForCount, Line.class))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> requests.readValue(trailing, Line.class)).isInstanceOf(JsonProcessingException.class);
        assertThat(requests.readValue("{\"sku\":\"book\",\"quantity\":2}", Line.class))
                .isEqualTo(new Line("book", 2));
    }
}
