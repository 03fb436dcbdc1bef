package dev.iamdb.testkit.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalAws;
import dev.iamdb.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** MySQL Connector/J through the gateway: RdsUtilities tokens, TLS verified, refusals as RDS sends them. */
class MysqlConnectorJTest {

    // Running: tokens are signed at wall-clock time, and a loaded machine may take longer than the gateway's 5 s of
    // allowed skew between a reset of a standing clock and the login.
    static final ManualClock clock = ManualClock.runningFromNow();
    static LocalIamMysqlDatabase db;
    static LocalAws aws;

    @BeforeAll
    static void start() {
        aws = LocalAws.builder().clock(clock).role("app").start();
        db = LocalIamMysqlDatabase.builder().user("app").clock(clock).aws(aws).start();
    }

    @AfterAll
    static void stop() {
        db.close();
        aws.close();
    }

    @BeforeEach
    void reset() {
        clock.set(java.time.Instant.now());
        db.clearDecisions();
    }

    @Test
    void logsInWithAnRdsUtilitiesTokenAfterSwitchingToClearPassword() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", Tokens.rds(db, "app"))) {
            assertThat(query(c, "select current_user()")).isEqualTo("app@%");
            assertThat(query(c, "select database()")).isEqualTo(db.database());
        }
        assertThat(db.decisions()).singleElement().satisfies(d -> {
            assertThat(d.accepted()).isTrue();
            assertThat(d.user()).isEqualTo("app");
            assertThat(d.accessKeyId()).isEqualTo(db.identity().accessKeyId());
        });
        assertThat(db.passwordsReceived()).isEqualTo(1);
    }

    @Test
    void acceptsASessionFromTheLocalAwsUntilItExpiresByTheClock() throws SQLException {
        aws.environment(LocalAws.Route.INSTANCE_METADATA, "app");
        try (InstanceProfileCredentialsProvider instance = InstanceProfileCredentialsProvider.builder()
                .endpoint(aws.endpoint().toString()).build()) {
            // RdsUtilities fixes the token's end before it resolves credentials, so a first, slow instance-metadata
            // call (a loaded machine) would shorten X-Amz-Expires below the 900 s the gateway requires: resolve first.
            instance.resolveCredentials();
            RdsUtilities rds = RdsUtilities.builder().region(Region.of(db.region())).credentialsProvider(instance).build();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", rds.generateAuthenticationToken(
                    b -> b.hostname(db.endpoint()).port(db.endpointPort()).username("app")))) {
                assertThat(query(c, "select current_user()")).isEqualTo("app@%");
            }
            clock.advance(Duration.ofHours(6));
            // The provider still holds the session (it refreshes by the real time); the gateway's clock ended it.
            String lateToken = rds.generateAuthenticationToken(
                    b -> b.hostname(db.endpoint()).port(db.endpointPort()).username("app"));
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "app", lateToken).close())
                    .isInstanceOf(SQLException.class);
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsExactly(true, false);
        assertThat(db.decisions().get(1).reason()).isEqualTo("The security token included in the request is expired");
    }

    @Test
    void logsInWithClearPasswordChosenUpFront() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl() + "&defaultAuthenticationPlugin=mysql_clear_password",
                "app", Tokens.rds(db, "app"))) {
            assertThat(query(c, "select current_user()")).isEqualTo("app@%");
        }
    }

    @Test
    void relaysServerSidePreparedStatements() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl() + "&useServerPrepStmts=true", "app",
                Tokens.rds(db, "app")); Statement s = c.createStatement()) {
            s.execute("create table prepared_cj (id int primary key, name varchar(40))");
            int before = Integer.parseInt(status(c, "Com_stmt_prepare"));
            try (PreparedStatement insert = c.prepareStatement("insert into prepared_cj values (?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "name ü " + i);
                    insert.executeUpdate();
                }
            }
            try (PreparedStatement select = c.prepareStatement("select name from prepared_cj where id = ?")) {
                select.setInt(1, 2);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("name ü 2");
                }
            }
            assertThat(Integer.parseInt(status(c, "Com_stmt_prepare")) - before).as("prepared on the server").isEqualTo(2);
        }
    }

    @Test
    void relaysALargeResultIntact() throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", Tokens.rds(db, "app"))) {
            assertLargeResultIntact(c);
        }
    }

    /** A 20 MiB value spans two protocol packets; its digest, computed by the server, must match what arrived. */
    static void assertLargeResultIntact(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select repeat(concat(char(65 + seq % 26), seq), 4) as v, md5("
                        + "repeat(concat(char(65 + seq % 26), seq), 4)) from seq_1_to_20 union all select repeat('0123456789abcdef',"
                        + " 1310720), md5(repeat('0123456789abcdef', 1310720))")) {
            int rows = 0;
            long bytes = 0;
            while (rs.next()) {
                String value = rs.getString(1);
                bytes += value.length();
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8))))
                        .isEqualTo(rs.getString(2));
                rows++;
            }
            assertThat(rows).isEqualTo(21);
            assertThat(bytes).isGreaterThan(20L * 1024 * 1024);
        }
    }

    /** The SQL snippet of docs/testing.md, run through the gateway by the master user as on RDS. */
    static final String IAM_USER_SQL = """
            CREATE USER reporter IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';
            GRANT SELECT ON iamdb.* TO reporter;
            """;

    @Test
    void createsIamUsersWithRdsSqlThroughTheGateway() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.masterUser(), Tokens.rds(db, db.masterUser()));
                Statement s = c.createStatement()) {
            for (String statement : IAM_USER_SQL.split(";\n")) {
                s.execute(statement);
            }
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "reporter", Tokens.rds(db, "reporter"))) {
            assertThat(query(c, "select current_user()")).isEqualTo("reporter@%");
        }
    }

    @Test
    void refusesAUserNotIdentifiedWithTheAwsPluginUntilAltered() throws SQLException {
        try (Connection admin = db.adminConnection(); Statement s = admin.createStatement()) {
            s.execute("CREATE USER plain IDENTIFIED BY 'a-real-password'");
            s.execute("GRANT SELECT ON iamdb.* TO plain");
        }
        assertAccessDenied("plain", Tokens.rds(db, "plain"), "not IDENTIFIED WITH AWSAuthenticationPlugin");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.masterUser(), Tokens.rds(db, db.masterUser()));
                Statement s = c.createStatement()) {
            s.execute("ALTER USER plain IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");
        }
        DriverManager.getConnection(db.jdbcUrl(), "plain", Tokens.rds(db, "plain")).close();
    }

    @Test
    void refusesATokenForAnotherUser() {
        assertAccessDenied(db.masterUser(), Tokens.rds(db, "app"), "DBUser does not match");
    }

    @Test
    void refusesAnExpiredToken() {
        String token = Tokens.rds(db, "app");
        clock.advance(Duration.ofMinutes(16));
        assertAccessDenied("app", token, "expired");
    }

    @Test
    void refusesATokenForAnotherRegion() {
        assertAccessDenied("app", Tokens.rds(db, db.identity(), "eu-west-1", "app"), "wrong region");
    }

    @Test
    void refusesATokenOfAnUnknownIdentity() {
        assertAccessDenied("app", Tokens.rds(db, Identity.generate(), db.region(), "app"), "unknown access key id");
    }

    @Test
    void refusesALoginWithoutTls() {
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
                db.jdbcUrl().replace("sslMode=VERIFY_IDENTITY", "sslMode=DISABLED"), "app", Tokens.rds(db, "app")).close());
        assertThat(e.getErrorCode()).isEqualTo(1045);
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(db.decisions()).singleElement().extracting(AuthDecision::reason).asString().contains("TLS required");
        assertThat(db.passwordsReceived()).as("no token in clear text").isZero();
    }

    @Test
    void tokenNeverLeavesAClientThatCannotVerifyTheCertificate() {
        String jdkTrustOnly = "jdbc:mysql://" + db.host() + ":" + db.port() + "/" + db.database() + "?sslMode=VERIFY_IDENTITY";
        assertThat((Throwable) catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(jdkTrustOnly, "app", Tokens.rds(db, "app")).close())).isNotNull();
        assertThat(db.passwordsReceived()).isZero();
    }

    static void assertAccessDenied(String user, String token, String reason) {
        db.clearDecisions();
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(db.jdbcUrl(), user, token).close());
        assertThat(e.getErrorCode()).isEqualTo(1045);
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).isEqualTo("Access denied for user '" + user + "'@'127.0.0.1' (using password: YES)");
        assertThat(db.decisions()).singleElement().satisfies(d -> {
            assertThat(d.accepted()).isFalse();
            assertThat(d.reason()).contains(reason).doesNotContain(token);
        });
    }

    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String status(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show session status like '" + name + "'")) {
            rs.next();
            return rs.getString(2);
        }
    }
}
