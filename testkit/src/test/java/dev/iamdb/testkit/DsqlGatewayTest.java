package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Aurora DSQL emulation: what is accepted and every reason a token or role is refused. */
class DsqlGatewayTest {

    static final String OTHER_ARN = "arn:aws:iam::123456789012:role/someone-else";
    static final ManualClock clock = new ManualClock();
    static final Identity owner = Identity.generate();
    static final Identity session = Identity.withSessionToken("ASIATESTSESSION00001", "sessionSecret/abc+def",
            "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==", Identity.DEFAULT_PRINCIPAL_ARN);
    static final Identity other = Identity.of("AKIAOTHERPRINCIPAL01", "otherSecret", OTHER_ARN);
    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().service(Service.DSQL).region("eu-west-1").clock(clock)
                .identities(owner, session, other).role("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() {
        clock.set(Instant.now());
        db.clearDecisions();
    }

    @Test
    void acceptsAdminTokenFromDsqlUtilities() throws SQLException {
        try (Connection c = connect("admin", Tokens.dsql(db, owner, "admin"))) {
            assertThat(query(c, "select current_user")).isEqualTo("admin");
            assertThat(query(c, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")).isEqualTo("f");
        }
        AuthDecision decision = onlyDecision();
        assertThat(decision.accepted()).isTrue();
        assertThat(decision.user()).isEqualTo("admin");
        assertThat(decision.database()).isEqualTo("postgres");
        assertThat(decision.accessKeyId()).isEqualTo(owner.accessKeyId());
    }

    @Test
    void adminCanRunMigrationsInSchemaPublic() throws SQLException {
        try (Connection c = connect("admin", Tokens.dsql(db, owner, "admin")); Statement s = c.createStatement()) {
            s.execute("create table if not exists migration_probe (id int primary key)");
            s.execute("drop table migration_probe");
        }
    }

    @Test
    void acceptsCustomRoleWithDbConnectToken() throws SQLException {
        try (Connection c = connect("app", Tokens.dsql(db, owner, "app"))) {
            assertThat(query(c, "select current_user")).isEqualTo("app");
        }
        assertThat(onlyDecision().accepted()).isTrue();
    }

    @Test
    void acceptsSessionCredentials() throws SQLException {
        try (Connection c = connect("admin", Tokens.dsql(db, session, "admin"))) {
            assertThat(query(c, "select 1")).isEqualTo("1");
        }
        assertThat(onlyDecision().accessKeyId()).isEqualTo(session.accessKeyId());
    }

    @Test
    void forwardsStartupParameters() throws SQLException {
        Properties props = props("admin", Tokens.dsql(db, owner, "admin"));
        props.setProperty("ApplicationName", "probe-app");
        props.setProperty("options", "-c search_path=pg_catalog");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props)) {
            assertThat(query(c, "select current_setting('application_name')")).isEqualTo("probe-app");
            assertThat(query(c, "select current_setting('search_path')")).isEqualTo("pg_catalog");
        }
    }

    @Test
    void rejectsTamperedSignature() {
        String token = Tokens.dsql(db, owner, "admin");
        int at = token.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        char flipped = token.charAt(at) == '0' ? '1' : '0';
        assertRejected("admin", token.substring(0, at) + flipped + token.substring(at + 1), "signature does not match");
    }

    @Test
    void rejectsWrongSecret() {
        Identity forged = Identity.of(owner.accessKeyId(), "not-the-secret", owner.principalArn());
        assertRejected("admin", Tokens.dsql(db, forged, "admin"), "signature does not match");
    }

    @Test
    void rejectsUnknownAccessKey() {
        assertRejected("admin", Tokens.dsql(db, Identity.generate(), "admin"), "unknown access key id");
    }

    @Test
    void rejectsSessionTokenThatDoesNotMatch() {
        Identity stale = Identity.withSessionToken(session.accessKeyId(), session.secretAccessKey(), "old-token",
                session.principalArn());
        assertRejected("admin", Tokens.dsql(db, stale, "admin"), "security token does not match");
    }

    @Test
    void rejectsExpiredTokenByTheGatewayClock() throws SQLException {
        String token = Tokens.presign(owner).forDatabase(db).at(clock.instant()).sign();
        clock.advance(Duration.ofSeconds(900));
        connect("admin", token).close();

        clock.advance(TokenVerifier.SKEW.plusSeconds(1));
        assertRejected("admin", token, "token expired");
    }

    @Test
    void honoursLongerDsqlExpiry() throws SQLException {
        String token = Tokens.presign(owner).forDatabase(db).at(clock.instant()).expires(Duration.ofHours(1)).sign();
        clock.advance(Duration.ofMinutes(59));
        connect("admin", token).close();
    }

    @Test
    void rejectsFutureDatedToken() {
        String token = Tokens.presign(owner).forDatabase(db).at(clock.instant().plusSeconds(60)).sign();
        assertRejected("admin", token, "dated in the future");
    }

    @Test
    void rejectsWrongService() {
        assertRejected("admin", Tokens.presign(owner).forDatabase(db).service("rds-db").sign(), "wrong service");
    }

    @Test
    void rejectsWrongRegion() {
        assertRejected("admin", Tokens.presign(owner).forDatabase(db).region("us-east-1").sign(), "wrong region");
    }

    @Test
    void rejectsWrongHost() {
        assertRejected("admin", Tokens.presign(owner).forDatabase(db).host("other.dsql.eu-west-1.on.aws").sign(),
                "wrong host");
    }

    @Test
    void acceptsHostInOtherCase() throws SQLException {
        connect("admin", Tokens.presign(owner).forDatabase(db).host(db.endpoint().toUpperCase()).sign()).close();
    }

    @Test
    void rejectsAdminWithDbConnectAction() {
        assertRejected("admin", Tokens.dsql(db, owner, "app"), "wrong action DbConnect");
    }

    @Test
    void rejectsCustomRoleWithAdminAction() {
        assertRejected("app", Tokens.dsql(db, owner, "admin"), "wrong action DbConnectAdmin");
    }

    @Test
    void rejectsRoleNotGrantedToPrincipal() {
        assertRejected("app", Tokens.dsql(db, other, "app"), "not granted to " + OTHER_ARN);
    }

    @Test
    void grantAtRunTimeLetsPrincipalIn() throws SQLException {
        db.createRole("reporting");
        db.grant("reporting", OTHER_ARN);
        connect("reporting", Tokens.dsql(db, other, "reporting")).close();
    }

    @Test
    void revokedGrantIsRejectedButOpenSessionStays() throws SQLException {
        db.createRole("revoked_app");
        try (Connection open = connect("revoked_app", Tokens.dsql(db, owner, "revoked_app"))) {
            db.revoke("revoked_app", owner.principalArn());
            assertRejected("revoked_app", Tokens.dsql(db, owner, "revoked_app"), "not granted");
            assertThat(query(open, "select 1")).isEqualTo("1");
        }
    }

    @Test
    void rejectsRoleWithoutLogin() throws SQLException {
        try (Connection admin = db.adminConnection(); Statement s = admin.createStatement()) {
            s.execute("create role nologin_role nologin");
        }
        db.grant("nologin_role", owner.principalArn());
        assertRejected("nologin_role", Tokens.dsql(db, owner, "nologin_role"), "not permitted to log in");
    }

    @Test
    void rejectsNonexistentRole() {
        assertRejected("ghost", Tokens.dsql(db, owner, "ghost"), "does not exist");
    }

    @Test
    void rejectsDatabaseOtherThanPostgres() {
        Properties props = props("admin", Tokens.dsql(db, owner, "admin"));
        String url = db.jdbcUrl().replace("/postgres?", "/template1?");
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(url, props));
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(onlyDecision().reason()).contains("only postgres");
    }

    @Test
    void rejectsPlaintextWhenTlsIsRequired() {
        String url = "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres?sslmode=disable";
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(url, props("admin", Tokens.dsql(db, owner, "admin"))));
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(onlyDecision().reason()).contains("TLS required");
    }

    @Test
    void rejectsGarbagePassword() {
        assertRejected("admin", "not-a-token", "malformed token");
    }

    @Test
    void cancelRequestReachesTheBackend() throws Exception {
        try (Connection c = connect("admin", Tokens.dsql(db, owner, "admin")); Statement s = c.createStatement()) {
            CompletableFuture<SQLException> result = CompletableFuture.supplyAsync(() -> {
                try {
                    s.execute("select pg_sleep(30)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            try (Connection admin = db.adminConnection()) {
                awaitActiveQuery(admin, "select pg_sleep(30)");
            }
            s.cancel();
            assertThat(result.get(10, TimeUnit.SECONDS).getSQLState()).isEqualTo("57014");
        }
    }

    @Test
    void decisionsNeverContainTheToken() {
        String token = Tokens.dsql(db, owner, "ghost");
        assertRejected("ghost", token, "does not exist");
        assertThat(onlyDecision().toString()).doesNotContain(token.substring(token.indexOf("X-Amz-Signature=")))
                .doesNotContain(owner.secretAccessKey());
        assertThat(owner.toString()).doesNotContain(owner.secretAccessKey());
        assertThat(session.toString()).doesNotContain(session.sessionToken()).doesNotContain(session.secretAccessKey());
    }

    /** Polls pg_stat_activity (bounded) until the query runs, so the cancel cannot race ahead of it. */
    static void awaitActiveQuery(Connection admin, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Statement s = admin.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where state = 'active' and query = '"
                            + sql + "'")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("query never became active: " + sql);
    }

    private AuthDecision onlyDecision() {
        assertThat(db.decisions().size()).as("decisions %s", db.decisions()).isEqualTo(1);
        return db.decisions().get(0);
    }

    private void assertRejected(String user, String token, String reason) {
        db.clearDecisions();
        SQLException e = catchThrowableOfType(SQLException.class, () -> connect(user, token).close());
        assertThat((Throwable) e).as("login as %s should be refused", user).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("28000");
        AuthDecision decision = onlyDecision();
        assertThat(decision.accepted()).isFalse();
        assertThat(decision.user()).isEqualTo(user);
        assertThat(decision.reason()).contains(reason);
        assertThat(e.getMessage()).contains(reason);
    }

    static Properties props(String user, String token) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", token);
        return props;
    }

    static Connection connect(String user, String token) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), props(user, token));
    }

    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
