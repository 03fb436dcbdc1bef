package dev.iamdb;

import static dev.iamdb.testing.TestkitConfigs.credentials;
import static dev.iamdb.testing.TestkitConfigs.currentUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** IamDataSource and IamPooledDataSource against the testkit's IAM-verifying PostgreSQL, with pgjdbc. */
class IamDataSourceTest {
    private static final Identity OPS = Identity.of("AKIAOPSEXAMPLE000001", "ops-secret", "arn:aws:iam::123456789012:role/ops");
    private static final Identity DEPLOY = Identity.of("AKIADEPLOYEXAMPLE002", "deploy-secret", "arn:aws:iam::123456789012:role/deploy");

    private static final ManualClock clock = new ManualClock(Instant.now());
    private static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().identities(OPS, DEPLOY).role("app").clock(clock).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() throws SQLException {
        db.clearDecisions();
        db.grant("app", OPS.principalArn());
        db.revoke("app", DEPLOY.principalArn());
    }

    /** The URL a user of the testkit writes: loopback, certificate verified against the testkit's CA. */
    private static String url() {
        return "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres?sslmode=verify-full&sslrootcert=" + db.caCertificate();
    }

    private static IamConfig.Builder config(String user, AwsCredentialsProvider credentials) {
        return IamConfig.builder().url(url()).property("user", user).property("iamHost", db.endpoint())
                .credentialsProvider(credentials).clock(clock);
    }

    @Test
    void adminAndCustomRoleLogInWithTokens() throws SQLException {
        try (IamDataSource admin = new IamDataSource(config("admin", credentials(OPS)).build());
             IamDataSource app = new IamDataSource(config("app", credentials(OPS)).build());
             Connection a = admin.getConnection();
             Connection b = app.getConnection()) {
            assertThat(currentUser(a)).isEqualTo("admin");
            assertThat(currentUser(b)).isEqualTo("app");
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsExactly(true, true);
    }

    @Test
    void tokensAreReusedThenRenewedAsTheClockMoves() throws SQLException {
        try (IamDataSource ds = new IamDataSource(config("app", credentials(OPS)).build())) {
            ds.getConnection().close();
            ds.getConnection().close();
            assertThat(ds.tokenProvider().tokensSigned()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(16)); // the first token has expired for the server too
            try (Connection c = ds.getConnection()) {
                assertThat(currentUser(c)).isEqualTo("app");
            }
            assertThat(ds.tokenProvider().tokensSigned()).isEqualTo(2);
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsOnly(true);
    }

    @Test
    void aRejectedCachedTokenIsReplacedOnce() throws SQLException {
        AtomicReference<Identity> current = new AtomicReference<>(OPS);
        AwsCredentialsProvider rotating = () -> {
            Identity id = current.get();
            return (AwsCredentials) AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey());
        };
        try (IamDataSource ds = new IamDataSource(config("app", rotating).build())) {
            ds.getConnection().close();
            // The application's role changes: the cached token's principal loses the grant.
            db.revoke("app", OPS.principalArn());
            db.grant("app", DEPLOY.principalArn());
            current.set(DEPLOY);
            clock.advance(Duration.ofSeconds(1));
            try (Connection c = ds.getConnection()) {
                assertThat(currentUser(c)).isEqualTo("app");
            }
        }
        List<AuthDecision> decisions = db.decisions();
        assertThat(decisions).extracting(AuthDecision::accepted).containsExactly(true, false, true);
        assertThat(decisions).extracting(AuthDecision::accessKeyId)
                .containsExactly(OPS.accessKeyId(), OPS.accessKeyId(), DEPLOY.accessKeyId());
    }

    @Test
    void aSecondRejectionSaysWhatToCheck() throws SQLException {
        try (IamDataSource ds = new IamDataSource(config("app", credentials(OPS)).build())) {
            ds.getConnection().close();
            db.revoke("app", OPS.principalArn());
            clock.advance(Duration.ofSeconds(1));
            assertThatThrownBy(ds::getConnection)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("The server rejected the IAM token for user 'app'")
                    .hasMessageContaining("dsql:DbConnect")
                    .hasMessageContaining("AWS IAM GRANT app TO")
                    .hasMessageContaining("'" + db.endpoint() + "'")
                    .hasMessageNotContaining("X-Amz-Signature")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        }
        // One login with the cached token, one with a fresh token, then it gives up.
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsExactly(true, false, false);
    }

    @Test
    void aFreshTokenThatIsRejectedIsNotRetried() {
        // The certificate names the testkit's endpoint, not the other host: check it against the host connected to.
        try (IamDataSource ds = new IamDataSource(config("admin", credentials(OPS)).property("iamRegion", "us-east-1")
                .property("iamService", "dsql").property("iamHost", "other.dsql.us-east-1.on.aws")
                .property("sslhostnameverifier", "org.postgresql.ssl.PGjdbcHostnameVerifier").build())) {
            assertThatThrownBy(ds::getConnection).hasMessageContaining("rejected the IAM token")
                    .hasMessageContaining("'other.dsql.us-east-1.on.aws'");
        }
        assertThat(db.decisions()).hasSize(1);
    }

    @Test
    void tlsIsOnByDefaultThroughATunnel() throws SQLException {
        String plain = "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres";
        try (IamDataSource ds = new IamDataSource(IamConfig.builder().url(plain + "?sslrootcert=" + db.caCertificate()).property("user", "admin")
                .property("iamHost", db.endpoint()).credentialsProvider(credentials(OPS)).clock(clock).build());
             Connection conn = ds.getConnection()) {
            assertThat(currentUser(conn)).isEqualTo("admin");
        }
        // The same login without TLS is refused by the gateway, so the session above was encrypted.
        try (IamDataSource ds = new IamDataSource(IamConfig.builder().url(plain + "?sslmode=disable").property("user", "admin")
                .property("iamHost", db.endpoint()).credentialsProvider(credentials(OPS)).clock(clock).build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsExactly(true, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sslmode=verify-full", "sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"})
    void tlsFailuresAreNamed(String tlsSettings) {
        IamConfig c = IamConfig.builder().url("jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres?" + tlsSettings)
                .property("user", "admin").property("iamHost", db.endpoint()).credentialsProvider(credentials(OPS)).clock(clock).build();
        try (IamDataSource ds = new IamDataSource(c)) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("TLS with 127.0.0.1 failed").hasMessageContaining("sslrootcert");
        }
    }

    @Test
    void getConnectionWithAnotherUserIsRefused() {
        try (IamDataSource ds = new IamDataSource(config("admin", credentials(OPS)).build())) {
            assertThatThrownBy(() -> ds.getConnection("other", "pw")).hasMessageContaining("configured user ('admin')");
        }
    }

    @Test
    void poolOpensEachPhysicalConnectionWithACurrentToken() throws SQLException {
        try (IamPooledDataSource pool = new IamPooledDataSource(config("app", credentials(OPS))
                .property("pool.maximumPoolSize", "2").property("pool.minimumIdle", 0).build())) {
            try (Connection c = pool.getConnection()) {
                assertThat(currentUser(c)).isEqualTo("app");
            }
            clock.advance(Duration.ofMinutes(20));
            pool.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
            try (Connection c = pool.getConnection()) {
                assertThat(currentUser(c)).isEqualTo("app");
            }
            assertThat(pool.tokenProvider().tokensSigned()).isEqualTo(2);
            assertThat(pool.unwrap(HikariDataSource.class).getMaxLifetime()).isEqualTo(Duration.ofMinutes(55).toMillis());
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsOnly(true);
    }

    @Test
    void poolSettingsThatBypassIamOrDoNotExistAreRefused() {
        assertThatThrownBy(() -> config("app", credentials(OPS)).property("pool.jdbcUrl", "jdbc:postgresql://x/y").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("pool.jdbcUrl").hasMessageContaining("without IAM");
        assertThatThrownBy(() -> config("app", credentials(OPS)).property("pool.maximumPoolSise", "3", "spring.pool.maximumPoolSise").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("spring.pool.maximumPoolSise")
                .extracting(e -> ((IamConfigException) e).property()).isEqualTo("spring.pool.maximumPoolSise");
        assertThatThrownBy(() -> config("app", credentials(OPS)).property("pool.maximumPoolSize", "ten").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("'ten'").hasMessageContaining("pool.maximumPoolSize");
    }

    @Test
    void hikariDataSourcePropertiesReachTheDriver() throws SQLException {
        try (IamPooledDataSource pool = new IamPooledDataSource(config("app", credentials(OPS))
                .property("pool.dataSource.ApplicationName", "from-the-pool", "hibernate.hikari.dataSource.ApplicationName")
                .property("pool.minimumIdle", 0).build());
             Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_setting('application_name')")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("from-the-pool");
        }
    }

    @Test
    void aMaxLifetimeBeyondTheDsqlConnectionCapIsReportedOnceByItsName() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        try (IamPooledDataSource pool = new IamPooledDataSource(config("app", credentials(OPS))
                .property("pool.maxLifetime", 0, "spring.datasource.hikari.max-lifetime").property("pool.minimumIdle", 0).build())) {
            assertThat(pool.isClosed()).isFalse();
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString()).containsOnlyOnce("spring.datasource.hikari.max-lifetime=0 ms")
                .contains("60-minute connection limit");
    }

    @Test
    void closingThePoolClosesTheCredentialsIamdbCreatedButNotTheApplications() throws SQLException {
        ClosingCredentials.reset();
        IamConfig owned = IamConfig.builder().url(url()).property("user", "app").property("iamHost", db.endpoint())
                .property("awsCredentialsProvider", ClosingCredentials.class.getName()).clock(clock).build();
        new IamPooledDataSource(owned).close();
        assertThat(ClosingCredentials.closed).isTrue();

        ClosingCredentials mine = new ClosingCredentials();
        ClosingCredentials.reset();
        new IamPooledDataSource(config("app", mine).property("pool.minimumIdle", "0").build()).close();
        assertThat(ClosingCredentials.closed).isFalse();
    }

    /** A provider class iamdb instantiates by name; records whether it was closed. */
    public static final class ClosingCredentials implements AwsCredentialsProvider, AutoCloseable {
        static volatile boolean closed;

        static void reset() {
            closed = false;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(OPS.accessKeyId(), OPS.secretAccessKey());
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
