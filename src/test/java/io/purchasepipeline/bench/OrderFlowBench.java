package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purchasepipeline.tools.load.OrderMix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole order flow in PostgreSQL ({@link SqlOrderFlow}) on the orders {@code load --mix}
 * sends: uniform, hot and flash, each at its best of 1, 4 and 8 connections, and the flash sale
 * also with 64 buyers at once. Stock is large enough that nothing runs out. Writes
 * {@code bench.out} (JSON). Run with {@code bench/order-flow}.
 */
@Tag("bench")
class OrderFlowBench {

    /** As {@code load}'s defaults: 1,000 SKUs, 1 to 3 lines, a million customers taking turns. */
    private static final int SKUS = 1000;

    private static final int MAX_LINES = 3;
    private static final long CUSTOMERS = 1_000_000;
    private static final long STOCK = 1_000_000_000L;
    private static final List<Integer> CONNECTIONS = List.of(1, 4, 8);
    private static final int CROWD = 64;

    @Test
    void measure() throws Exception {
        final String url = System.getProperty("bench.jdbc-url");
        final boolean quick = Boolean.getBoolean("bench.quick");
        final int orders = Integer.getInteger("bench.orders", quick ? 3000 : 20000);
        final SqlOrderFlow flow = new SqlOrderFlow(url);
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode out = mapper.createObjectNode();
        out.put("date", Instant.now().toString());
        out.put("quick", quick);
        out.put("orders_per_run", orders);
        out.put("server", server(flow));
        final ArrayNode runs = out.putArray("runs");
        long seed = 1;
        for (final OrderMix.Kind kind : OrderMix.Kind.values()) {
            double best = 0;
            final List<Integer> counts = kind == OrderMix.Kind.FLASH
                    ? List.of(CONNECTIONS.get(0), CONNECTIONS.get(1), CONNECTIONS.get(2), CROWD)
                    : CONNECTIONS;
            for (final int connections : counts) {
                flow.reset(
                        IntStream.range(0, SKUS).mapToObj(i -> "load-sku-" + i).toList(), STOCK);
                final SqlOrderFlow.Run run =
                        flow.run(OrderMix.generator(kind, SKUS, MAX_LINES, CUSTOMERS, seed++), orders, connections);
                assertThat(run.outcomes())
                        .as("every order completes: stock and customers are plenty")
                        .containsOnlyKeys(SqlOrderFlow.Outcome.COMPLETED);
                final ObjectNode row = runs.addObject();
                row.put("mix", kind.label());
                row.put("connections", connections);
                row.put("orders", run.orders());
                row.put("orders_per_s", round(run.ordersPerSecond()));
                row.put("p50_ms", run.p50Ms());
                row.put("p99_ms", run.p99Ms());
                System.out.printf(
                        Locale.ROOT,
                        "order flow in SQL, %s, %d connections: %,.0f orders/s, p50 %.2f ms, p99 %.2f ms%n",
                        kind.label(),
                        connections,
                        run.ordersPerSecond(),
                        run.p50Ms(),
                        run.p99Ms());
                if (connections == CROWD) {
                    out.put("sql_orders_per_s_flash_64", round(run.ordersPerSecond()));
                } else {
                    best = Math.max(best, run.ordersPerSecond());
                }
            }
            out.put("sql_orders_per_s_" + kind.label(), round(best));
        }
        final Path file = Path.of(System.getProperty("bench.out", "bench/results/order-flow-latest.json"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
    }

    private static double round(final double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String server(final SqlOrderFlow flow) throws Exception {
        try (Connection c = flow.connect();
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery(
                        "SELECT version(), current_setting('fsync'), current_setting('synchronous_commit')")) {
            row.next();
            return row.getString(1).replaceAll(" on .*", "") + ": fsync=" + row.getString(2) + ", synchronous_commit="
                    + row.getString(3);
        }
    }
}
