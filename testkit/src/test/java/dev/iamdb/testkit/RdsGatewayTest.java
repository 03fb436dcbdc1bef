package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RDS emulation (here without TLS): host:port signing, DBUser and the rds_iam grant. */
class RdsGatewayTest {

    static final Identity owner = Identity.generate();
    static final Identity session = Identity.withSessionToken("ASIARDSSESSION000001", "rdsSessionSecret",
            "FwoGZXIvYXdzEBYaDH//session==", Identity.DEFAULT_PRINCIPAL_ARN);
    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().service(Service.RDS).endpoint("mydb.abcdefghijkl.us-west-2.rds.amazonaws.com")
                .region("us-west-2").endpointPort(5433).tls(false).identities(owner, session).role("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void describesItself() {
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres?sslmode=disable");
        assertThat(db.caCertificate()).isNull();
        assertThat(db.roles()).containsExactly("iamdb", "app");
    }

    @Test
    void acceptsMasterUserAndRoleWithRdsUtilitiesTokens() throws SQLException {
        try (Connection c = connect("iamdb", Tokens.rds(db, owner, "iamdb"))) {
            assertThat(query(c, "select current_user")).isEqualTo("iamdb");
        }
        try (Connection c = connect("app", Tokens.rds(db, owner, "app"))) {
            assertThat(query(c, "select current_user")).isEqualTo("app");
        }
    }

    @Test
    void awsIamSqlIsAuroraDsqlOnly() throws SQLException {
        try (Connection c = connect("iamdb", Tokens.rds(db, owner, "iamdb")); Statement s = c.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> s.execute("AWS IAM GRANT app TO '" + owner.principalArn() + "'"));
            assertThat(e.getSQLState()).as("plain PostgreSQL's syntax error").isEqualTo("42601");
            assertThat(query(c, "select to_regclass('sys.iam_pg_role_mappings') is null")).isEqualTo("t");
        }
    }

    /** As on RDS, where the master user belongs to rds_superuser, the master user enables new users for IAM. */
    @Test
    void masterUserCanEnableAUserForIam() throws SQLException {
        try (Connection c = connect("iamdb", Tokens.rds(db, owner, "iamdb")); Statement s = c.createStatement()) {
            s.execute("CREATE USER reporter");
            s.execute("GRANT rds_iam TO reporter");
        }
        try (Connection c = connect("reporter", Tokens.rds(db, owner, "reporter"))) {
            assertThat(query(c, "select current_user")).isEqualTo("reporter");
        }
    }

    @Test
    void acceptsSessionCredentials() throws SQLException {
        connect("app", Tokens.rds(db, session, "app")).close();
    }

    @Test
    void rejectsWrongPort() {
        assertRejected("app", Tokens.presign(owner).forDatabase(db).dbUser("app").port(5432).sign(), "wrong port");
    }

    @Test
    void rejectsWrongDbUser() {
        assertRejected("app", Tokens.rds(db, owner, "iamdb"), "DBUser does not match");
    }

    @Test
    void rejectsDsqlToken() {
        assertRejected("app", Tokens.presign(owner).host(db.endpoint()).region(db.region()).sign(), "wrong service");
    }

    @Test
    void rejectsWrongAction() {
        assertRejected("app", Tokens.presign(owner).forDatabase(db).dbUser("app").action("DbConnect").sign(),
                "wrong action");
    }

    @Test
    void rejectsExpiresOtherThan900() {
        assertRejected("app", Tokens.presign(owner).forDatabase(db).dbUser("app")
                .expires(java.time.Duration.ofSeconds(600)).sign(), "X-Amz-Expires 600");
    }

    @Test
    void rejectsUserNotEnabledForIamUntilGranted() throws SQLException {
        try (Connection admin = db.adminConnection(); Statement s = admin.createStatement()) {
            s.execute("create role plain_user login");
        }
        assertRejected("plain_user", Tokens.rds(db, owner, "plain_user"), "not enabled for IAM");
        db.grant("plain_user", owner.principalArn());
        connect("plain_user", Tokens.rds(db, owner, "plain_user")).close();
        db.revoke("plain_user", owner.principalArn());
        assertRejected("plain_user", Tokens.rds(db, owner, "plain_user"), "not enabled for IAM");
    }

    private void assertRejected(String user, String token, String reason) {
        db.clearDecisions();
        SQLException e = catchThrowableOfType(SQLException.class, () -> connect(user, token).close());
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(db.decisions()).singleElement().satisfies(d -> {
            assertThat(d.accepted()).isFalse();
            assertThat(d.reason()).contains(reason);
        });
    }

    private static Connection connect(String user, String token) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), props(user, token));
    }
}
