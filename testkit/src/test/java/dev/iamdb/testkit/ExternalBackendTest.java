package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The route Testcontainers users take: an existing PostgreSQL that demands passwords (SCRAM-SHA-256 by
 * default, cleartext for one role), given by JDBC URL and admin credentials.
 */
class ExternalBackendTest {

    static EmbeddedPostgres external;
    static LocalIamDatabase db;

    @BeforeAll
    static void start() throws Exception {
        external = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        try (Connection c = external.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("alter role postgres password 'admin-secret'");
            var rs = s.executeQuery("show hba_file");
            rs.next();
            Files.writeString(Path.of(rs.getString(1)), "local all all trust\n"
                    + "host all cleartext_role 127.0.0.1/32 password\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n");
            s.execute("select pg_reload_conf()");
        }
        String url = "jdbc:postgresql://127.0.0.1:" + external.getPort() + "/postgres";
        db = LocalIamDatabase.builder().backend(url, "postgres", "admin-secret").role("app", "cleartext_role").start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        external.close();
    }

    @Test
    void backendReallyDemandsScram() throws SQLException {
        try (Connection admin = db.adminConnection()) {
            assertThat(query(admin, "select count(*) from pg_hba_file_rules where auth_method = 'scram-sha-256'"))
                    .isEqualTo("1");
        }
        String direct = "jdbc:postgresql://127.0.0.1:" + external.getPort() + "/postgres";
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(direct, "app", "wrong")).getSQLState()).isEqualTo("28P01");
    }

    @Test
    void logsInToScramBackendWithAssignedPassword() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("admin", Tokens.dsql(db, db.identity(), "admin")))) {
            assertThat(query(c, "select current_user")).isEqualTo("admin");
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("app", Tokens.dsql(db, db.identity(), "app")))) {
            assertThat(query(c, "select current_user")).isEqualTo("app");
        }
    }

    @Test
    void logsInToCleartextPasswordBackend() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(),
                props("cleartext_role", Tokens.dsql(db, db.identity(), "cleartext_role")))) {
            assertThat(query(c, "select current_user")).isEqualTo("cleartext_role");
        }
    }
}
