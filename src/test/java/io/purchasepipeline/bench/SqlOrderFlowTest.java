package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import io.purchasepipeline.serdes.PaymentDetails;
import io.purchasepipeline.tools.load.OrderMix;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The relational order flow on a real PostgreSQL ({@code bench/postgres}; the JDBC URL in
 * {@code bench.jdbc-url}). Tagged as a bench: {@code bench/order-flow} runs it before measuring.
 */
@Tag("bench")
class SqlOrderFlowTest {

    private final SqlOrderFlow flow = new SqlOrderFlow(Objects.requireNonNull(
            System.getProperty("bench.jdbc-url"), "bench.jdbc-url: the JDBC URL that bench/postgres prints"));

    @BeforeEach
    void freshTables() throws SQLException {
        flow.reset(IntStream.range(0, 20).mapToObj(i -> "load-sku-" + i).toList(), 1000);
    }

    @Test
    void aCompletedOrderWritesItsRowsAndTakesItsStockInOneTransaction() throws Exception {
        final Order order = order("o1", "alice", new OrderLine("load-sku-3", 2), new OrderLine("load-sku-1", 1));

        try (Connection c = autoCommitOff()) {
            assertThat(SqlOrderFlow.place(c, order)).isEqualTo(SqlOrderFlow.Outcome.COMPLETED);
        }

        assertThat(number("SELECT available FROM flow_stock WHERE sku = 'load-sku-3'"))
                .isEqualTo(998);
        assertThat(number("SELECT available FROM flow_stock WHERE sku = 'load-sku-1'"))
                .isEqualTo(999);
        assertThat(text("SELECT status FROM flow_orders WHERE order_id = 'o1'")).isEqualTo("COMPLETED");
        assertThat(text("SELECT string_agg(status, ',' ORDER BY seq) FROM flow_order_events WHERE order_id = 'o1'"))
                .isEqualTo("PLACED,RESERVED,PAID,COMPLETED");
        assertThat(number("SELECT count(*) FROM flow_order_lines WHERE order_id = 'o1'"))
                .isEqualTo(2);
        assertThat(text("SELECT amount::text FROM flow_payments WHERE order_id = 'o1'"))
                .isEqualTo("59.70");
        assertThat(number("SELECT count(*) FROM flow_outbox WHERE order_id = 'o1'"))
                .isEqualTo(2);
    }

    @Test
    void theSixthOrderOfACustomerInAMinuteIsRejectedForFraud() throws Exception {
        try (Connection c = autoCommitOff()) {
            for (int i = 0; i < 5; i++) {
                assertThat(SqlOrderFlow.place(c, order("v" + i, "bob", new OrderLine("load-sku-0", 1))))
                        .isEqualTo(SqlOrderFlow.Outcome.COMPLETED);
            }
            assertThat(SqlOrderFlow.place(c, order("v5", "bob", new OrderLine("load-sku-0", 1))))
                    .isEqualTo(SqlOrderFlow.Outcome.REJECTED_FRAUD);
        }
        assertThat(number("SELECT available FROM flow_stock WHERE sku = 'load-sku-0'"))
                .isEqualTo(995);
        assertThat(number("SELECT count(*) FROM flow_payments WHERE order_id = 'v5'"))
                .isZero();
    }

    @Test
    void aLineShortOfStockRollsBackTheOtherLinesAndRecordsTheOrderOutOfStock() throws Exception {
        try (Connection c = autoCommitOff()) {
            assertThat(SqlOrderFlow.place(
                            c,
                            order("big", "carol", new OrderLine("load-sku-0", 1), new OrderLine("load-sku-9", 1001))))
                    .isEqualTo(SqlOrderFlow.Outcome.REJECTED_OUT_OF_STOCK);
        }
        assertThat(number("SELECT available FROM flow_stock WHERE sku = 'load-sku-0'"))
                .isEqualTo(1000);
        assertThat(text("SELECT status FROM flow_orders WHERE order_id = 'big'"))
                .isEqualTo("REJECTED_OUT_OF_STOCK");
        assertThat(number("SELECT count(*) FROM flow_outbox")).isZero();
    }

    @Test
    void aFlashSaleFromManyBuyersSellsEveryUnitOnceAndRefusesTheRest() throws Exception {
        flow.reset(List.of("load-sku-0"), 150);
        final LongFunction<Order> orders = OrderMix.generator(OrderMix.Kind.FLASH, 1, 1, 1_000_000, 11);

        final SqlOrderFlow.Run run = flow.run(orders, 200, 16);

        assertThat(run.outcomes())
                .isEqualTo(Map.of(SqlOrderFlow.Outcome.COMPLETED, 150, SqlOrderFlow.Outcome.REJECTED_OUT_OF_STOCK, 50));
        assertThat(number("SELECT available FROM flow_stock")).isZero();
        assertThat(number("SELECT count(*) FROM flow_payments")).isEqualTo(150);
    }

    @Test
    void manyBuyersOnHotSkusNeverDeadlockAndConserveTheStock() throws Exception {
        final LongFunction<Order> orders = OrderMix.generator(OrderMix.Kind.HOT, 20, 3, 1_000_000, 12);

        final SqlOrderFlow.Run run = flow.run(orders, 400, 8);

        assertThat(run.outcomes()).isEqualTo(Map.of(SqlOrderFlow.Outcome.COMPLETED, 400));
        final long units = IntStream.range(0, 400)
                .mapToLong(i -> orders.apply(i).items().stream()
                        .mapToInt(OrderLine::quantity)
                        .sum())
                .sum();
        assertThat(number("SELECT sum(1000 - available) FROM flow_stock")).isEqualTo(units);
    }

    private static Order order(final String id, final String customer, final OrderLine... lines) {
        return new Order(id, customer, customer, customer + "@example.com", List.of(lines), new PaymentDetails("4242"));
    }

    private Connection autoCommitOff() throws SQLException {
        final Connection c = flow.connect();
        c.setAutoCommit(false);
        return c;
    }

    private long number(final String sql) throws SQLException {
        try (Connection c = flow.connect();
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private String text(final String sql) throws SQLException {
        try (Connection c = flow.connect();
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
