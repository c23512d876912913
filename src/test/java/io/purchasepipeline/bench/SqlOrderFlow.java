package io.purchasepipeline.bench;

import io.purchasepipeline.serdes.Order;
import io.purchasepipeline.serdes.OrderLine;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * The whole order flow in PostgreSQL, as a team following the race-conditions talk would build
 * it: one transaction per order (READ COMMITTED, {@code synchronous_commit=on} as the server is
 * set up) that
 * <ol>
 *   <li>counts the customer's orders of the last minute (the velocity check: more than
 *       {@link #VELOCITY_MAX_ORDERS} and the order ends REJECTED_FRAUD),</li>
 *   <li>writes the order row and its PLACED event,</li>
 *   <li>takes every line's stock with {@code SELECT ... FOR UPDATE} and a decrement, lines in SKU
 *       order so that two orders never wait for each other's rows in a cycle (a line short of
 *       stock rolls the whole transaction back, and a second one records the order
 *       REJECTED_OUT_OF_STOCK),</li>
 *   <li>writes the lines, the payment row (the test cards all approve), the RESERVED, PAID and
 *       COMPLETED events and two outbox email rows (confirmation and receipt, as the pipeline
 *       sends), and commits.</li>
 * </ol>
 */
final class SqlOrderFlow {

    /** The fraud check's default: more than this many orders of one customer in a minute. */
    static final int VELOCITY_MAX_ORDERS = 5;

    static final BigDecimal PRICE = new BigDecimal("19.90");

    /** How an order ended. */
    enum Outcome {
        COMPLETED,
        REJECTED_FRAUD,
        REJECTED_OUT_OF_STOCK
    }

    /**
     * One run: orders/s over the wall time of the run, latency of one order's transaction(s).
     *
     * @param latencyMs p50, p99 in ms
     */
    record Run(
            int connections,
            int orders,
            double seconds,
            double ordersPerSecond,
            double p50Ms,
            double p99Ms,
            Map<Outcome, Integer> outcomes) {}

    private final String jdbcUrl;

    SqlOrderFlow(final String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    /** Drops and creates the tables; every SKU named gets {@code stock} units. */
    void reset(final List<String> skus, final long stock) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "DROP TABLE IF EXISTS flow_outbox, flow_payments, flow_order_events, flow_order_lines, flow_orders, "
                            + "flow_stock");
            s.execute(
                    "CREATE TABLE flow_stock (sku text PRIMARY KEY, available bigint NOT NULL CHECK (available >= 0))");
            s.execute(
                    "CREATE TABLE flow_orders (order_id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL, "
                            + "total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE INDEX flow_orders_by_customer ON flow_orders (customer_id, created_at)");
            s.execute(
                    "CREATE TABLE flow_order_lines (order_id text NOT NULL REFERENCES flow_orders, sku text NOT NULL, "
                            + "quantity int NOT NULL, PRIMARY KEY (order_id, sku))");
            s.execute(
                    "CREATE TABLE flow_order_events (order_id text NOT NULL REFERENCES flow_orders, seq int NOT NULL, "
                            + "status text NOT NULL, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (order_id, seq))");
            s.execute(
                    "CREATE TABLE flow_payments (order_id text PRIMARY KEY REFERENCES flow_orders, card text NOT NULL, "
                            + "amount numeric(12,2) NOT NULL, status text NOT NULL)");
            s.execute("CREATE TABLE flow_outbox (id bigserial PRIMARY KEY, order_id text NOT NULL, kind text NOT NULL, "
                    + "recipient text NOT NULL, sent boolean NOT NULL DEFAULT false)");
        }
        try (Connection c = connect();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO flow_stock (sku, available) VALUES (?, ?)")) {
            for (final String sku : skus) {
                insert.setString(1, sku);
                insert.setLong(2, stock);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Places one order on {@code c} (auto-commit off), in one transaction or, when stock runs short, two. */
    static Outcome place(final Connection c, final Order order) throws SQLException {
        try {
            final Outcome outcome = placeInOneTransaction(c, order);
            c.commit();
            return outcome;
        } catch (OutOfStock e) {
            c.rollback();
            insertOrder(c, order, Outcome.REJECTED_OUT_OF_STOCK.name(), BigDecimal.ZERO);
            insertEvents(c, order.orderId(), 1, "PLACED", Outcome.REJECTED_OUT_OF_STOCK.name());
            c.commit();
            return Outcome.REJECTED_OUT_OF_STOCK;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    private static Outcome placeInOneTransaction(final Connection c, final Order order) throws SQLException {
        final int recent;
        try (PreparedStatement velocity = c.prepareStatement(
                "SELECT count(*) FROM flow_orders WHERE customer_id = ? AND created_at > now() - interval '1 minute'")) {
            velocity.setString(1, order.customerId());
            try (ResultSet row = velocity.executeQuery()) {
                row.next();
                recent = row.getInt(1);
            }
        }
        if (recent >= VELOCITY_MAX_ORDERS) {
            insertOrder(c, order, Outcome.REJECTED_FRAUD.name(), BigDecimal.ZERO);
            insertEvents(c, order.orderId(), 1, "PLACED", Outcome.REJECTED_FRAUD.name());
            return Outcome.REJECTED_FRAUD;
        }
        final List<OrderLine> lines = new ArrayList<>(order.items());
        lines.sort(Comparator.comparing(OrderLine::sku));
        final BigDecimal total = PRICE.multiply(
                BigDecimal.valueOf(lines.stream().mapToInt(OrderLine::quantity).sum()));
        insertOrder(c, order, "PLACED", total);
        insertEvents(c, order.orderId(), 1, "PLACED");
        try (PreparedStatement lock = c.prepareStatement("SELECT available FROM flow_stock WHERE sku = ? FOR UPDATE");
                PreparedStatement take =
                        c.prepareStatement("UPDATE flow_stock SET available = available - ? WHERE sku = ?")) {
            for (final OrderLine line : lines) {
                lock.setString(1, line.sku());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next() || row.getLong(1) < line.quantity()) {
                        throw new OutOfStock();
                    }
                }
                take.setInt(1, line.quantity());
                take.setString(2, line.sku());
                take.executeUpdate();
            }
        }
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO flow_order_lines (order_id, sku, quantity) VALUES (?, ?, ?)")) {
            for (final OrderLine line : lines) {
                insert.setString(1, order.orderId());
                insert.setString(2, line.sku());
                insert.setInt(3, line.quantity());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement pay = c.prepareStatement(
                "INSERT INTO flow_payments (order_id, card, amount, status) VALUES (?, ?, ?, 'CAPTURED')")) {
            pay.setString(1, order.orderId());
            pay.setString(2, order.payment().card());
            pay.setBigDecimal(3, total);
            pay.executeUpdate();
        }
        insertEvents(c, order.orderId(), 2, "RESERVED", "PAID", Outcome.COMPLETED.name());
        try (PreparedStatement status = c.prepareStatement("UPDATE flow_orders SET status = ? WHERE order_id = ?");
                PreparedStatement outbox =
                        c.prepareStatement("INSERT INTO flow_outbox (order_id, kind, recipient) VALUES (?, ?, ?)")) {
            status.setString(1, Outcome.COMPLETED.name());
            status.setString(2, order.orderId());
            status.executeUpdate();
            for (final String kind : List.of("CONFIRMATION", "RECEIPT")) {
                outbox.setString(1, order.orderId());
                outbox.setString(2, kind);
                outbox.setString(3, order.email());
                outbox.addBatch();
            }
            outbox.executeBatch();
        }
        return Outcome.COMPLETED;
    }

    private static void insertOrder(final Connection c, final Order order, final String status, final BigDecimal total)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO flow_orders (order_id, customer_id, status, total) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, order.orderId());
            insert.setString(2, order.customerId());
            insert.setString(3, status);
            insert.setBigDecimal(4, total);
            insert.executeUpdate();
        }
    }

    private static void insertEvents(
            final Connection c, final String orderId, final int firstSeq, final String... statuses)
            throws SQLException {
        try (PreparedStatement insert =
                c.prepareStatement("INSERT INTO flow_order_events (order_id, seq, status) VALUES (?, ?, ?)")) {
            for (int i = 0; i < statuses.length; i++) {
                insert.setString(1, orderId);
                insert.setInt(2, firstSeq + i);
                insert.setString(3, statuses[i]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Places orders {@code 0 .. count - 1} of the generator from {@code connections} buyers at once,
     * each on a connection of its own, taking the next order as soon as its last one committed.
     */
    Run run(final LongFunction<Order> orders, final int count, final int connections) throws Exception {
        final long[] latency = new long[count];
        final Outcome[] outcome = new Outcome[count];
        final AtomicInteger next = new AtomicInteger();
        final CountDownLatch ready = new CountDownLatch(connections);
        final CountDownLatch go = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(connections);
        final long started;
        final long ended;
        try {
            final List<Future<Void>> buyers = new ArrayList<>();
            for (int b = 0; b < connections; b++) {
                buyers.add(pool.submit(() -> {
                    try (Connection c = connect()) {
                        c.setAutoCommit(false);
                        ready.countDown();
                        go.await();
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            final Order order = orders.apply(i);
                            final long t0 = System.nanoTime();
                            outcome[i] = place(c, order);
                            latency[i] = System.nanoTime() - t0;
                        }
                    }
                    return null;
                }));
            }
            ready.await();
            started = System.nanoTime();
            go.countDown();
            for (final Future<Void> buyer : buyers) {
                buyer.get();
            }
            ended = System.nanoTime();
        } finally {
            pool.shutdownNow();
        }
        final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (final Outcome o : outcome) {
            outcomes.merge(o, 1, Integer::sum);
        }
        final long[] sorted = latency.clone();
        Arrays.sort(sorted);
        final double seconds = (ended - started) / 1e9;
        return new Run(
                connections,
                count,
                seconds,
                count / seconds,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                outcomes);
    }

    private static double percentile(final long[] sorted, final double p) {
        final int index = Math.max(0, (int) Math.ceil(p * sorted.length) - 1);
        return Math.round(sorted[index] / 1e4) / 100.0;
    }

    /** A line asked for more than its SKU has: the order's transaction is rolled back. */
    private static final class OutOfStock extends SQLException {
        OutOfStock() {
            super("out of stock");
        }
    }
}
