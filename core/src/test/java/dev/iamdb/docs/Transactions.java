package dev.iamdb.docs;

import dev.iamdb.RetryPolicy;
import dev.iamdb.TransactionRetry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** The JDBC retry of docs/aurora-dsql.md, compiled and exercised by {@link AuroraDsqlGuideTest}. */
final class Transactions {
    private Transactions() {
    }

    /** The defaults: 3 retries, 100 ms growing ×2 up to 5 s, jitter 0.25. */
    static final TransactionRetry RETRY = TransactionRetry.create();

    /** More patience under heavy contention, and a listener for metrics. */
    static TransactionRetry patient(TransactionRetry.Listener metrics) {
        return TransactionRetry.create(RetryPolicy.defaults().withMaxRetries(5).withMaxBackoff(Duration.ofSeconds(2)))
                .withListener(metrics);
    }

    /** Takes one item out of stock; if another transaction changed the row first, tries again. */
    static boolean takeOne(DataSource dataSource, TransactionRetry retry, String item) throws SQLException {
        return retry.inTransaction(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE stock SET quantity = quantity - 1 WHERE item = ? AND quantity > 0")) {
                update.setString(1, item);
                return update.executeUpdate() == 1;
            }
        });
    }
}
