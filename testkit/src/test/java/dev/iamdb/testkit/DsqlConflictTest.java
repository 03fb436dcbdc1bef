package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * DSQL mode's optimistic concurrency: PostgreSQL detects the conflict, the gateway reports it in DSQL's words. Also the
 * connection-rate limit, on the test's clock so that a second ends when the test says.
 */
class DsqlConflictTest {

    static final ManualClock clock = new ManualClock();
    static LocalIamDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().clock(clock).connectionRateLimit(3).start();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)");
            s.execute("GRANT ALL ON account TO admin");
        }
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() throws SQLException {
        // Tokens are signed at the wall clock's time: catch up with it (starting the server may take longer than the
        // gateway's 5 s of allowed skew on a loaded machine), and move on a second so the rate limit starts afresh.
        clock.set(java.time.Instant.now().isAfter(clock.instant()) ? java.time.Instant.now() : clock.instant());
        clock.advance(Duration.ofSeconds(1));
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM account");
            s.execute("INSERT INTO account VALUES (1, 100), (2, 100)");
        }
    }

    @Test
    void aConcurrentUpdateFailsWithDsqlsConflictError() throws SQLException {
        try (Connection first = connect(); Connection second = connect()) {
            second.setAutoCommit(false);
            assertThat(query(second, "SELECT balance FROM account WHERE id = 1")).isEqualTo("100");
            update(first, "UPDATE account SET balance = balance - 10 WHERE id = 1");

            PSQLException e = catchThrowableOfType(PSQLException.class,
                    () -> update(second, "UPDATE account SET balance = balance + 10 WHERE id = 1"));

            assertThat(e.getSQLState()).isEqualTo("40001");
            assertThat(e.getServerErrorMessage().getMessage())
                    .isEqualTo("mutation conflicts with another transaction, retry as needed (OC000)");
            assertThat(e.getServerErrorMessage().getDetail()).isNull();
            second.rollback();
            assertThat(query(second, "SELECT balance FROM account WHERE id = 1")).isEqualTo("90");
            assertThat(query(second, "SHOW transaction_isolation")).isEqualTo("repeatable read");
        }
    }

    /** DSQL has no locks, so no deadlocks: what PostgreSQL reports as one is the conflict DSQL would report. */
    @Test
    void aDeadlockIsReportedAsAConflict() throws Exception {
        try (Connection first = connect(); Connection second = connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            update(first, "UPDATE account SET balance = 0 WHERE id = 1");
            update(second, "UPDATE account SET balance = 0 WHERE id = 2");
            CompletableFuture<Void> firstWaits = CompletableFuture.runAsync(() -> {
                try {
                    update(first, "UPDATE account SET balance = 1 WHERE id = 2");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            SQLException second40001 = null;
            try {
                update(second, "UPDATE account SET balance = 1 WHERE id = 1");
            } catch (SQLException e) {
                second40001 = e;
                second.rollback();
            }
            Throwable firstFailure = firstWaits.handle((ok, t) -> t).get();
            SQLException loser = second40001 != null ? second40001 : (SQLException) firstFailure.getCause().getCause();

            assertThat(loser.getSQLState()).isEqualTo("40001");
            assertThat(loser.getMessage()).contains("(OC000)");
        }
    }

    @Test
    void loginsOverTheRateLimitAreRefusedUntilTheNextSecond() throws SQLException {
        db.clearDecisions();
        try (Connection a = connect(); Connection b = connect(); Connection c = connect()) {
            SQLException refused = catchThrowableOfType(SQLException.class, DsqlConflictTest::connect);

            assertThat(refused.getSQLState()).isEqualTo("53400");
            assertThat(refused.getMessage()).contains("connection rate limit of 3 new connections per second");
            assertThat(db.passwordsReceived()).isEqualTo(3);

            clock.advance(Duration.ofSeconds(1));
            try (Connection d = connect()) {
                assertThat(query(d, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    private static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin")));
    }
}
