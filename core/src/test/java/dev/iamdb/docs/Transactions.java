package dev.iamdb.docs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The retry loop of docs/aurora-dsql.md, compiled and exercised by {@link AuroraDsqlGuideTest}. */
final class Transactions {
    private Transactions() {
    }

    /** Work done inside one transaction. It may run more than once, so it must have no effects outside it. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    static final int MAX_ATTEMPTS = 5;

    /** Runs work in a transaction, again from the start when Aurora DSQL reports a conflict (SQLSTATE 40001). */
    static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException e) {
                    connection.rollback();
                    // 40001: OC000 (another transaction changed the same rows) or OC001 (the schema changed).
                    if (!"40001".equals(e.getSQLState()) || attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Takes one item out of stock; if another transaction changed the row first, tries again. */
    static boolean takeOne(DataSource dataSource, String item) throws SQLException {
        return inTransaction(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE stock SET quantity = quantity - 1 WHERE item = ? AND quantity > 0")) {
                update.setString(1, item);
                return update.executeUpdate() == 1;
            }
        });
    }
}
