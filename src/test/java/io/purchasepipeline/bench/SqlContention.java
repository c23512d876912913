package io.purchasepipeline.bench;

import io.purchasepipeline.bench.ContentionCheck.KeyState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A workload through one SQL strategy in PostgreSQL: {@code clients} threads, each with its own
 * JDBC connection, take the workload's attempts in order from one shared counter, so the same
 * attempts meet each other on the same rows whatever the strategy.
 */
final class SqlContention {

    private static final int QUANTITY = 1;

    private final String jdbcUrl;

    SqlContention(final String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS stock (sku text PRIMARY KEY, available bigint NOT NULL, "
                    + "held bigint NOT NULL, version bigint NOT NULL DEFAULT 0)");
            statement.execute("CREATE TABLE IF NOT EXISTS seats (seat_id text PRIMARY KEY, holder text, "
                    + "version bigint NOT NULL DEFAULT 0)");
        }
    }

    /** The server's durability settings, as the runs saw them. */
    String durability() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT version(), current_setting('fsync'), "
                        + "current_setting('synchronous_commit'), current_setting('full_page_writes')")) {
            row.next();
            return row.getString(1).replaceAll(" on .*", "") + ": fsync=" + row.getString(2) + ", synchronous_commit="
                    + row.getString(3) + ", full_page_writes=" + row.getString(4);
        }
    }

    ContentionRun run(
            final ContentionWorkload workload, final SqlStrategy strategy, final int clients, final String run)
            throws Exception {
        load(workload);
        final int attempts = workload.attempts();
        final long[] latency = new long[attempts];
        final boolean[] won = new boolean[attempts];
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong retries = new AtomicLong();
        final CountDownLatch ready = new CountDownLatch(clients);
        final CountDownLatch go = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            final List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    try (SqlStrategy.Session session = new SqlStrategy.Session(connect(), strategy)) {
                        ready.countDown();
                        go.await();
                        for (int i = next.getAndIncrement(); i < attempts; i = next.getAndIncrement()) {
                            final String key = workload.keyOf(i);
                            final long started = System.nanoTime();
                            final SqlStrategy.Attempt attempt = workload.kind() == ContentionWorkload.Kind.SEATS
                                    ? strategy.takeSeat(session, key, ContentionWorkload.attemptId(run, i))
                                    : strategy.takeUnit(session, key, QUANTITY);
                            latency[i] = System.nanoTime() - started;
                            won[i] = attempt.won();
                            retries.addAndGet(attempt.retries());
                        }
                    }
                    return null;
                }));
            }
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("clients could not connect to " + jdbcUrl);
            }
            final long started = System.nanoTime();
            go.countDown();
            for (final Future<Void> client : done) {
                client.get(30, TimeUnit.MINUTES);
            }
            final long elapsed = System.nanoTime() - started;
            // the clients' threads wrote latency and won; Future.get made their writes visible here
            final ContentionCheck check = ContentionCheck.of(workload, run, won, finalStates(workload));
            return ContentionRun.of(
                    workload,
                    ContentionRun.SQL,
                    strategy.label(),
                    clients,
                    clients,
                    latency,
                    elapsed,
                    check,
                    retries.get(),
                    null);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Fresh rows for the workload's keys, nothing else in the tables. */
    private void load(final ContentionWorkload workload) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE stock, seats");
            }
            final boolean seats = workload.kind() == ContentionWorkload.Kind.SEATS;
            try (PreparedStatement insert = connection.prepareStatement(
                    seats
                            ? "INSERT INTO seats (seat_id, holder) VALUES (?, NULL)"
                            : "INSERT INTO stock (sku, available, held) VALUES (?, ?, 0)")) {
                for (int k = 0; k < workload.keys().size(); k++) {
                    insert.setString(1, workload.keys().get(k));
                    if (!seats) {
                        insert.setLong(2, workload.stock()[k]);
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("VACUUM ANALYZE stock, seats");
            }
        }
    }

    private List<KeyState> finalStates(final ContentionWorkload workload) throws SQLException {
        final Map<String, KeyState> states = new HashMap<>();
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            if (workload.kind() == ContentionWorkload.Kind.SEATS) {
                try (ResultSet rows = statement.executeQuery("SELECT seat_id, holder FROM seats")) {
                    while (rows.next()) {
                        states.put(rows.getString(1), KeyState.seat(rows.getString(2)));
                    }
                }
            } else {
                try (ResultSet rows = statement.executeQuery("SELECT sku, available, held FROM stock")) {
                    while (rows.next()) {
                        states.put(rows.getString(1), KeyState.stock(rows.getLong(2), rows.getLong(3)));
                    }
                }
            }
        }
        return workload.keys().stream()
                .map(key -> {
                    final KeyState state = states.get(key);
                    if (state == null) {
                        throw new IllegalStateException("row of " + key + " is gone");
                    }
                    return state;
                })
                .toList();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }
}
