package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** endSessions() cuts sessions off now, exactly as the maximum connection duration does after 60 minutes. */
class EndSessionsTest {

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void endsEveryOpenSessionWithTheMaximumDurationError() throws SQLException {
        try (Connection first = connect(); Connection second = connect()) {
            assertThat(db.endSessions()).isEqualTo(2);
            for (Connection c : new Connection[] {first, second}) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> query(c, "select 1"));
                assertThat(e.getSQLState()).isEqualTo(Relay.MAX_DURATION_SQLSTATE);
                assertThat(e.getMessage()).contains("maximum connection duration");
                assertThat(c.isValid(1)).isFalse();
            }
        }
        try (Connection c = connect()) {
            assertThat(query(c, "select 1")).isEqualTo("1");
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin")));
    }
}
