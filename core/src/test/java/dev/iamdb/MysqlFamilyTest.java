package dev.iamdb;

import static dev.iamdb.testing.MysqlTestkitConfigs.config;
import static dev.iamdb.testing.MysqlTestkitConfigs.iamdbUrl;
import static dev.iamdb.testing.TestkitConfigs.credentials;
import static dev.iamdb.testing.TestkitConfigs.queryForString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import dev.iamdb.tls.AwsTrustStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * MySQL Connector/J and MariaDB Connector/J logging in through iamdb to the MySQL testkit, whose gateway checks tokens
 * and requires TLS as RDS for MySQL does, on every route core offers: IamDataSource, the pool and jdbc:iamdb: URLs.
 */
class MysqlFamilyTest {
    static final Identity ID = Identity.of("AKIAMYSQLFAMILYTEST1", "mysql-family-secret-not-real", Identity.DEFAULT_PRINCIPAL_ARN);
    static LocalIamMysqlDatabase db;

    /** For jdbc:iamdb: URLs, which take credentials by class name. */
    public static final class TestkitCredentials implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return credentials(ID).resolveCredentials();
        }
    }

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().identity(ID).user("app", "rotated").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() {
        db.clearDecisions();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void logsInThroughIamDataSourceAndThePool(String driver) throws SQLException {
        try (IamDataSource ds = new IamDataSource(config(db, driver, "app").build()); Connection c = ds.getConnection()) {
            assertThat(queryForString(c, "select current_user()")).isEqualTo("app@%");
        }
        try (IamPooledDataSource pool = new IamPooledDataSource(config(db, driver, "app").property("pool.maximumPoolSize", 1).build());
             Connection c = pool.getConnection()) {
            assertThat(queryForString(c, "select current_user()")).isEqualTo("app@%");
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsExactly(true, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void logsInThroughAnIamdbUrl(String driver) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("awsCredentialsProvider", TestkitCredentials.class.getName());
        try (Connection c = DriverManager.getConnection(iamdbUrl(db, driver), p)) {
            assertThat(queryForString(c, "select database()")).isEqualTo(db.database());
        }
    }

    /** The testkit's CA is in neither the JDK's trust nor RDS's bundle, as a stranger's would be: no token leaves. */
    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void byDefaultTheTokenGoesOnlyToAServerTheAwsTrustVerifies(String driver) {
        IamConfig config = IamConfig.builder().url("jdbc:" + driver + "://127.0.0.1:" + db.port() + "/" + db.database())
                .property("user", "app").property("iamHost", db.endpoint()).property("iamDefaultPort", db.endpointPort())
                .credentialsProvider(credentials(ID)).build();
        try (IamDataSource ds = new IamDataSource(config)) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("TLS with 127.0.0.1 failed")
                    .hasMessageContaining("hosts file")
                    .hasStackTraceContaining("PKIX");
        }
        assertThat(db.passwordsReceived()).isZero();
    }

    @Test
    void theTrustStoreHoldsTheJdkAndRdsAuthorities() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(AwsTrustStore.path())) {
            store.load(in, AwsTrustStore.PASSWORD.toCharArray());
        }
        assertThat(Collections.list(store.aliases()))
                .map(a -> ((X509Certificate) store.getCertificate(a)).getSubjectX500Principal().getName())
                .anyMatch(n -> n.contains("CN=Amazon RDS us-east-1 Root CA RSA2048 G1"))
                .anyMatch(n -> n.contains("CN=Amazon Root CA 1"));
        assertThat(Files.getPosixFilePermissions(AwsTrustStore.path())).extracting(Enum::name)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void aRejectedCachedTokenIsReplacedOnceThenTheMysqlChecklist(String driver) throws SQLException {
        try (IamDataSource ds = new IamDataSource(config(db, driver, "rotated").build())) {
            ds.getConnection().close();
            try (Connection admin = db.adminConnection(); Statement s = admin.createStatement()) {
                s.execute("alter user 'rotated'@'%' identified by 'no-longer-iam'");
            }
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageContaining("The server rejected the IAM token for user 'rotated'")
                    .hasMessageContaining("rds-db:connect on dbuser:<resource-id>/rotated")
                    .hasMessageContaining("IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
                    .hasMessageNotContaining("X-Amz-Signature")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        } finally {
            db.createIamUser("rotated");
        }
        // One login with the cached token, one with a fresh token, then it gives up.
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsExactly(true, false, false);
    }
}
