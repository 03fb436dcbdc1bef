package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DSQL ends every session after the maximum connection duration; here shortened to one second. */
class MaxConnectionDurationTest {

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().maxConnectionDuration(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void endsSessionWhenMaximumDurationIsReached() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin"))); Statement s = c.createStatement()) {
            long started = System.nanoTime();
            SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute("select pg_sleep(20)"));
            assertThat(e.getSQLState()).isEqualTo(Relay.MAX_DURATION_SQLSTATE);
            assertThat(e.getMessage()).contains("maximum connection duration");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(c.isValid(1)).isFalse();
        }
    }


    @Test
    void cutOffWaitsForTheEndOfAMessageInAStreamingResult() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin")));
                Statement s = c.createStatement()) {
            // Rows stream without pause until the cut-off; a torn message would surface as a protocol error, not 57P01.
            SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute(
                    "select i, repeat('y', 1000) from generate_series(1, 100000000) i"));
            assertThat(e.getSQLState()).isEqualTo(Relay.MAX_DURATION_SQLSTATE);
        }
    }
}
