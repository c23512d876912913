package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.purchasepipeline.runtime.KafkaAvailability;
import io.purchasepipeline.runtime.Probes;
import io.purchasepipeline.runtime.RestoreProgress;
import io.purchasepipeline.serdes.JsonSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A number in the query out of its range, or no number, is a 400 naming the range, on every route
 * that takes one. Refused before any service is asked, so the endpoint gets none.
 */
class QueryParamsTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpApi http;

    @BeforeEach
    void start() {
        final ApiMetrics metrics = new ApiMetrics();
        http = new HttpApi(
                        null,
                        null,
                        null,
                        null,
                        null,
                        new Probes(
                                () -> KafkaStreams.State.RUNNING,
                                new RestoreProgress(metrics.registry()),
                                KafkaAvailability.ASSUMED),
                        metrics,
                        HttpAccess.admin(AdminAuth.of(null)),
                        new OperatorPage(null, null))
                .start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @ParameterizedTest
    @CsvSource({
        "/orders/o-1?waitMs=-1, invalid waitMs, waitMs: 0 to 30000",
        "/orders/o-1?waitMs=30001, invalid waitMs, waitMs: 0 to 30000",
        "/orders/o-1?waitMs=soon, invalid waitMs, waitMs: 0 to 30000",
        "/orders/o-1?waitMs=99999999999, invalid waitMs, waitMs: 0 to 30000",
        "/orders?limit=0, invalid limit, limit: 1 to 100",
        "/orders?seconds=x, invalid seconds, seconds: 1 to 300",
    })
    void aNumberOutOfItsRangeIsABadRequestNamingTheRange(final String path, final String error, final String detail)
            throws Exception {
        final HttpResponse<String> answer = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        final JsonNode body = JsonSerde.MAPPER.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("details").get(0).asText()).isEqualTo(detail);
    }
}
