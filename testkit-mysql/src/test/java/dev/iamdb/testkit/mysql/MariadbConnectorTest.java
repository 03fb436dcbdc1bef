package dev.iamdb.testkit.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MariaDB Connector/J through the gateway, and a second gateway in front of an existing server. */
class MariadbConnectorTest {

    static LocalIamMysqlDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().user("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() {
        db.clearDecisions();
    }

    @Test
    void logsInWithAnRdsUtilitiesToken() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.mariadbJdbcUrl(), "app", Tokens.rds(db, "app"))) {
            assertThat(MysqlConnectorJTest.query(c, "select current_user()")).isEqualTo("app@%");
        }
        assertThat(db.decisions()).singleElement().satisfies(d -> assertThat(d.accepted()).isTrue());
    }

    @Test
    void relaysServerSidePreparedStatements() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.mariadbJdbcUrl() + "&useServerPrepStmts=true", "app",
                Tokens.rds(db, "app")); Statement s = c.createStatement()) {
            s.execute("create table prepared_mariadb (id int primary key, name varchar(40))");
            try (PreparedStatement insert = c.prepareStatement("insert into prepared_mariadb values (?, ?)")) {
                insert.setInt(1, 7);
                insert.setString(2, "seven");
                insert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("select name from prepared_mariadb where id = ?")) {
                select.setInt(1, 7);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("seven");
                }
            }
        }
    }

    @Test
    void relaysALargeResultIntact() throws Exception {
        try (Connection c = DriverManager.getConnection(db.mariadbJdbcUrl(), "app", Tokens.rds(db, "app"))) {
            MysqlConnectorJTest.assertLargeResultIntact(c);
        }
    }

    @Test
    void refusesATokenForAnotherUserAsRdsDoes() {
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(db.mariadbJdbcUrl(), db.masterUser(), Tokens.rds(db, "app")).close());
        assertThat(e.getErrorCode()).isEqualTo(1045);
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).contains("Access denied for user '" + db.masterUser() + "'@'127.0.0.1' (using password: YES)");
        assertThat(db.decisions()).singleElement().satisfies(d -> assertThat(d.reason()).contains("DBUser does not match"));
    }

    @Test
    void tokenNeverLeavesAClientThatCannotVerifyTheCertificate() {
        String jdkTrustOnly = "jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + db.database() + "?sslMode=verify-full";
        assertThat((Throwable) catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(jdkTrustOnly, "app", Tokens.rds(db, "app")).close())).isNotNull();
        assertThat(db.passwordsReceived()).isZero();
    }

    /** The same gateway in front of an existing server, given by URL and admin credentials (here: the embedded one). */
    @Test
    void frontsAnExistingServer() throws SQLException {
        String url;
        try (Connection admin = db.adminConnection(); Statement s = admin.createStatement()) {
            s.execute("CREATE USER existing_admin@'127.0.0.1' IDENTIFIED BY 'existing-admin-password'");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO existing_admin@'127.0.0.1' WITH GRANT OPTION");
            url = "jdbc:mysql://127.0.0.1:" + MysqlConnectorJTest.query(admin, "select @@port") + "/";
        }
        try (LocalIamMysqlDatabase fronted = LocalIamMysqlDatabase.builder()
                .backend(url, "existing_admin", "existing-admin-password")
                .masterUser("fronted_master").user("fronted_app").start();
                Connection c = DriverManager.getConnection(fronted.mariadbJdbcUrl(), "fronted_app",
                        Tokens.rds(fronted, "fronted_app"))) {
            assertThat(MysqlConnectorJTest.query(c, "select current_user()")).isEqualTo("fronted_app@%");
        }
    }
}
