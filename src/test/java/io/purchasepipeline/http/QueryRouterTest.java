package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.purchasepipeline.serdes.JsonSerde;
import io.purchasepipeline.stores.InteractiveQueries;
import io.purchasepipeline.stores.RebalancingStreams;
import io.purchasepipeline.tools.kafka.LoopbackPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance asked for a key another instance owns: it answers with the owner's word, or a
 * standby's when the owner cannot answer, or 503 with {@code Retry-After}; a failing owner's 5xx is
 * no answer for the key.
 */
class QueryRouterTest {

    private static final String PRODUCT = "{\"sku\":\"lamp\",\"name\":\"Lamp\"}";

    private final List<HttpServer> stubs = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();
    private Javalin here;

    @AfterEach
    void stop() {
        stubs.forEach(stub -> stub.stop(0));
        if (here != null) {
            here.stop();
        }
    }

    @Test
    void anOwnerThatFailsIsNoAnswerAndAStandbyAnswers() throws Exception {
        final HostInfo owner =
                stub("owner", 500, "{\"error\":\"internal error\",\"details\":[\"the failure is logged\"]}");
        final HostInfo standby = stub("standby", 200, PRODUCT);

        final HttpResponse<String> answer =
                get(new RebalancingStreams(1).owner(0, owner).standby(0, standby));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(PRODUCT);
        assertThat(answer.headers().firstValue("X-Answered-By")).hasValue("127.0.0.1:" + standby.port());
        assertThat(asked).containsExactly("owner", "standby from its copy");
    }

    @Test
    void anOwnerThatSaysNotFoundIsTheAnswer() throws Exception {
        final HostInfo owner = stub("owner", 404, "{\"error\":\"not found\",\"details\":[\"product lamp\"]}");
        final HostInfo standby = stub("standby", 200, PRODUCT);

        final HttpResponse<String> answer =
                get(new RebalancingStreams(1).owner(0, owner).standby(0, standby));

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(asked).containsExactly("owner");
    }

    @Test
    void withNoOwnerOrCopyToAnswerItIsUnavailableForAWhile() throws Exception {
        final HostInfo gone = new HostInfo("127.0.0.1", LoopbackPorts.free(1).get(0));
        final HostInfo busy = stub("standby", 503, "{\"error\":\"unavailable\",\"details\":[\"restoring\"]}");

        final HttpResponse<String> answer =
                get(new RebalancingStreams(1).owner(0, gone).standby(0, busy));

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(JsonSerde.MAPPER.readTree(answer.body()).get("error").asText())
                .isNotEmpty();
        assertThat(asked).containsExactly("standby from its copy");
    }

    /** {@code GET /products/lamp} of an instance that sees the group as {@code streams} says. */
    private HttpResponse<String> get(final RebalancingStreams streams) throws Exception {
        final int port = LoopbackPorts.free(1).get(0);
        final QueryRouter router = new QueryRouter(
                new InteractiveQueries(streams, new HostInfo("127.0.0.1", port), 100, store -> OptionalInt.of(1)),
                Duration.ofSeconds(2));
        final ProductRoutes products = new ProductRoutes(router, null, null);
        here = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.routes.get("/products/{sku}", products::get);
                    config.routes.exception(ApiException.class, Responses::apiError);
                })
                .start("127.0.0.1", port);
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/products/lamp"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Another instance that answers every query with {@code status} and {@code body}. */
    private HostInfo stub(final String name, final int status, final String body) throws IOException {
        final HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            synchronized (asked) {
                asked.add(name
                        + (exchange.getRequestHeaders().containsKey(QueryRouter.FROM_COPY) ? " from its copy" : ""));
            }
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        stub.start();
        stubs.add(stub);
        return new HostInfo("127.0.0.1", stub.getAddress().getPort());
    }
}
