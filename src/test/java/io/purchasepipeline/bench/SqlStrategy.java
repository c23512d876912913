package io.purchasepipeline.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The four ways of the race-conditions talk to take one unit of a SKU, or a seat, in PostgreSQL
 * (default isolation, READ COMMITTED). Each strategy gets the fewest round trips it is correct with:
 * only the pessimistic one needs a transaction around its statements.
 */
public enum SqlStrategy {

    /** Read, then write the value computed from the read, as two statements: loses updates. */
    NAIVE("naive", true) {
        @Override
        Attempt takeUnit(final Session session, final String sku, final int quantity) throws SQLException {
            final long[] row = session.stock(sku, false);
            if (row[0] < quantity) {
                return Attempt.REFUSED;
            }
            session.writeStock(sku, row[0] - quantity, row[1] + quantity);
            return Attempt.WON;
        }

        @Override
        Attempt takeSeat(final Session session, final String seat, final String user) throws SQLException {
            if (session.seat(seat, false).holder() != null) {
                return Attempt.REFUSED;
            }
            session.writeSeat(seat, user);
            return Attempt.WON;
        }
    },

    /** {@code SELECT ... FOR UPDATE}: the row stays locked from the read to the commit. */
    PESSIMISTIC("pessimistic_for_update", false) {
        @Override
        Attempt takeUnit(final Session session, final String sku, final int quantity) throws SQLException {
            return session.inTransaction(() -> {
                final long[] row = session.stock(sku, true);
                if (row[0] < quantity) {
                    return Attempt.REFUSED;
                }
                session.writeStock(sku, row[0] - quantity, row[1] + quantity);
                return Attempt.WON;
            });
        }

        @Override
        Attempt takeSeat(final Session session, final String seat, final String user) throws SQLException {
            return session.inTransaction(() -> {
                if (session.seat(seat, true).holder() != null) {
                    return Attempt.REFUSED;
                }
                session.writeSeat(seat, user);
                return Attempt.WON;
            });
        }
    },

    /** Read with the row's version, write only if the version is unchanged, else read again. */
    OPTIMISTIC("optimistic_version", true) {
        @Override
        Attempt takeUnit(final Session session, final String sku, final int quantity) throws SQLException {
            for (int retries = 0; ; retries++) {
                final long[] row = session.stock(sku, false);
                if (row[0] < quantity) {
                    return new Attempt(false, retries);
                }
                if (session.writeStockIfVersion(sku, row[0] - quantity, row[1] + quantity, row[2])) {
                    return new Attempt(true, retries);
                }
            }
        }

        @Override
        Attempt takeSeat(final Session session, final String seat, final String user) throws SQLException {
            for (int retries = 0; ; retries++) {
                final SeatRow row = session.seat(seat, false);
                if (row.holder() != null) {
                    return new Attempt(false, retries);
                }
                if (session.writeSeatIfVersion(seat, user, row.version())) {
                    return new Attempt(true, retries);
                }
            }
        }
    },

    /** One conditional statement: {@code UPDATE ... SET available = available - q WHERE ... AND available >= q}. */
    ATOMIC("atomic_update", true) {
        @Override
        Attempt takeUnit(final Session session, final String sku, final int quantity) throws SQLException {
            return session.update(
                                    "UPDATE stock SET available = available - ?, held = held + ? WHERE sku = ? AND available >= ?",
                                    quantity,
                                    quantity,
                                    sku,
                                    quantity)
                            == 1
                    ? Attempt.WON
                    : Attempt.REFUSED;
        }

        @Override
        Attempt takeSeat(final Session session, final String seat, final String user) throws SQLException {
            return session.update("UPDATE seats SET holder = ? WHERE seat_id = ? AND holder IS NULL", user, seat) == 1
                    ? Attempt.WON
                    : Attempt.REFUSED;
        }
    };

    private final String label;
    private final boolean autoCommit;

    SqlStrategy(final String label, final boolean autoCommit) {
        this.label = label;
        this.autoCommit = autoCommit;
    }

    /** The strategy's name in the results. */
    public String label() {
        return label;
    }

    /** Whether each statement commits on its own (else the strategy commits its transaction). */
    boolean autoCommit() {
        return autoCommit;
    }

    /** Takes {@code quantity} units of {@code sku} if that many are available. */
    abstract Attempt takeUnit(Session session, String sku, int quantity) throws SQLException;

    /** Takes {@code seat} for {@code user} if it is free. */
    abstract Attempt takeSeat(Session session, String seat, String user) throws SQLException;

    /** Whether the client was told it won, and after how many version conflicts. */
    record Attempt(boolean won, int retries) {
        static final Attempt WON = new Attempt(true, 0);
        static final Attempt REFUSED = new Attempt(false, 0);
    }

    record SeatRow(String holder, long version) {}

    /** One client's connection and its prepared statements. */
    static final class Session implements AutoCloseable {

        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Session(final Connection connection, final SqlStrategy strategy) throws SQLException {
            this.connection = connection;
            try (var statement = connection.createStatement()) {
                // the server's default too; said here so that no client setting can weaken it
                statement.execute("SET synchronous_commit = on");
            }
            connection.setAutoCommit(strategy.autoCommit());
        }

        interface Work {
            Attempt run() throws SQLException;
        }

        Attempt inTransaction(final Work work) throws SQLException {
            try {
                final Attempt attempt = work.run();
                connection.commit();
                return attempt;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }

        /** available, held, version. */
        long[] stock(final String sku, final boolean forUpdate) throws SQLException {
            final PreparedStatement select = prepare(
                    "SELECT available, held, version FROM stock WHERE sku = ?" + (forUpdate ? " FOR UPDATE" : ""));
            select.setString(1, sku);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("no stock row for " + sku);
                }
                return new long[] {row.getLong(1), row.getLong(2), row.getLong(3)};
            }
        }

        void writeStock(final String sku, final long available, final long held) throws SQLException {
            update("UPDATE stock SET available = ?, held = ? WHERE sku = ?", available, held, sku);
        }

        boolean writeStockIfVersion(final String sku, final long available, final long held, final long version)
                throws SQLException {
            return update(
                            "UPDATE stock SET available = ?, held = ?, version = version + 1 WHERE sku = ? AND version = ?",
                            available,
                            held,
                            sku,
                            version)
                    == 1;
        }

        SeatRow seat(final String seat, final boolean forUpdate) throws SQLException {
            final PreparedStatement select =
                    prepare("SELECT holder, version FROM seats WHERE seat_id = ?" + (forUpdate ? " FOR UPDATE" : ""));
            select.setString(1, seat);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("no seat row for " + seat);
                }
                return new SeatRow(row.getString(1), row.getLong(2));
            }
        }

        void writeSeat(final String seat, final String user) throws SQLException {
            update("UPDATE seats SET holder = ? WHERE seat_id = ?", user, seat);
        }

        boolean writeSeatIfVersion(final String seat, final String user, final long version) throws SQLException {
            return update(
                            "UPDATE seats SET holder = ?, version = version + 1 WHERE seat_id = ? AND version = ?",
                            user,
                            seat,
                            version)
                    == 1;
        }

        int update(final String sql, final Object... parameters) throws SQLException {
            final PreparedStatement update = prepare(sql);
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            return update.executeUpdate();
        }

        private PreparedStatement prepare(final String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
