package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.Service;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.time.Duration;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The jdbc:iamdb: driver through DriverManager, HikariCP's jdbcUrl and plain Properties, against the testkit's
 * IAM-verifying PostgreSQL (Aurora DSQL and RDS emulation) with pgjdbc. URL routes cannot carry a credentials
 * object, so credentials come from awsCredentialsProvider classes below (or the aws.* system properties).
 */
class IamDriverTest {
    static final Identity OPS = Identity.of("AKIADRIVEROPS0000001", "driver-ops-secret", "arn:aws:iam::123456789012:role/ops");
    static final Identity DEPLOY = Identity.of("AKIADRIVERDEPLOY0002", "driver-deploy-secret", "arn:aws:iam::123456789012:role/deploy");

    private static LocalIamDatabase dsql;
    private static LocalIamDatabase rds;

    @BeforeAll
    static void start() {
        dsql = LocalIamDatabase.builder().identities(OPS, DEPLOY).role("app").start();
        rds = LocalIamDatabase.builder().service(Service.RDS).identity(OPS).role("app").start();
    }

    @AfterAll
    static void stop() {
        dsql.close();
        rds.close();
    }

    @BeforeEach
    void reset() throws SQLException {
        dsql.clearDecisions();
        rds.clearDecisions();
        dsql.grant("app", OPS.principalArn());
        dsql.revoke("app", DEPLOY.principalArn());
    }

    /** The tests share the registered driver with nothing else; start each without its cached providers. */
    @AfterEach
    void releaseRegisteredDriver() throws SQLException {
        registered().close();
    }

    private static IamDriver registered() throws SQLException {
        return (IamDriver) DriverManager.getDriver("jdbc:iamdb:postgresql://any.dsql.us-east-1.on.aws/postgres");
    }

    /** What a user of the testkit writes: loopback, certificate checked against the testkit's CA, token for its endpoint. */
    /** The testkit's own jdbc:iamdb: URL (iamHost, and iamDefaultPort for RDS, already in it). */
    private static String url(LocalIamDatabase db, String moreParameters) {
        return db.iamdbJdbcUrl() + moreParameters;
    }

    private static String dsqlUrl() {
        return url(dsql, "&awsCredentialsProvider=" + OpsCredentials.class.getName());
    }

    private static Properties user(String user) {
        Properties p = new Properties();
        p.setProperty("user", user);
        return p;
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void isRegisteredAndTakesOnlyIamdbUrls() throws SQLException {
        assertThat(ServiceLoader.load(Driver.class).stream().map(ServiceLoader.Provider::type))
                .contains(IamDriver.class);
        assertThat(DriverManager.getDriver(dsqlUrl())).isInstanceOf(IamDriver.class);
        assertThat(DriverManager.getDriver(dsql.jdbcUrl())).isNotInstanceOf(IamDriver.class);

        IamDriver driver = new IamDriver();
        assertThat(driver.acceptsURL(dsqlUrl())).isTrue();
        assertThat(driver.acceptsURL("JDBC:IAMDB:postgresql://h.dsql.us-east-1.on.aws/postgres")).isTrue();
        assertThat(driver.acceptsURL(dsql.jdbcUrl())).isFalse();
        assertThat(driver.acceptsURL("jdbc:mysql://h:3306/db")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
        // A foreign URL, even a malformed one, is left to other drivers.
        assertThat(driver.connect(dsql.jdbcUrl(), user("admin"))).isNull();
        assertThat(driver.connect("jdbc:other:?:", new Properties())).isNull();
        assertThat(driver.tokenProviders()).isEmpty();
        assertThat(dsql.decisions()).isEmpty();
    }

    @Test
    void driverManagerLogsInAdminAndACustomRoleWithIam() throws SQLException {
        try (Connection admin = DriverManager.getConnection(dsqlUrl(), "admin", null);
             Connection app = DriverManager.getConnection(dsqlUrl() + "&user=app")) {
            assertThat(query(admin, "select current_user")).isEqualTo("admin");
            assertThat(query(app, "select current_user")).isEqualTo("app");
        }
        assertThat(dsql.decisions()).extracting(AuthDecision::user, AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsExactly(tuple("admin", OPS.accessKeyId(), true),
                        tuple("app", OPS.accessKeyId(), true));
    }

    @Test
    void plainPropertiesCarryIamSettingsAndTheDatabaseDefaultsToPostgres() throws SQLException {
        Properties p = user("app");
        p.setProperty("iamHost", dsql.endpoint());
        p.setProperty("awsCredentialsProvider", OpsCredentials.class.getName());
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", dsql.caCertificate().toString());
        p.setProperty("password", ""); // what tools send when no password is configured
        try (IamDriver driver = new IamDriver();
             Connection c = driver.connect("jdbc:iamdb:postgresql://127.0.0.1:" + dsql.port(), p)) {
            assertThat(query(c, "select current_user || '@' || current_database()")).isEqualTo("app@postgres");
        }
        assertThat(dsql.decisions()).extracting(AuthDecision::database, AuthDecision::accepted)
                .containsExactly(tuple("postgres", true));
    }

    /** Spring Boot's starter hands the driver an AwsCredentialsProvider bean as a connection property value. */
    @Test
    void aCredentialsProviderInstanceAmongThePropertiesSignsTheTokens() throws SQLException {
        Properties ops = user("admin");
        ops.put("awsCredentialsProvider", new OpsCredentials());
        Properties deploy = user("admin");
        deploy.put("awsCredentialsProvider", new DeployCredentials());
        try (IamDriver driver = new IamDriver()) {
            driver.connect(dsql.iamdbJdbcUrl(), ops).close();
            assertThatThrownBy(() -> driver.connect(dsql.iamdbJdbcUrl(), deploy)).isInstanceOf(SQLException.class);
            // Each instance has its own configuration and token provider: the second identity's token was refused.
            assertThat(driver.tokenProviders()).hasSize(2);
        }
        assertThat(dsql.decisions()).extracting(AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsExactly(tuple(OPS.accessKeyId(), true), tuple(DEPLOY.accessKeyId(), false));
    }

    @Test
    void aDriverOwnsTheProvidersItCreatedAndNoOthers() throws SQLException {
        try (IamDriver driver = new IamDriver(); IamDriver other = new IamDriver();
             IamDataSource dataSource = new IamDataSource(IamConfig.builder().url(dsql.iamdbJdbcUrl()).property("user", "admin")
                     .credentialsProvider(new OpsCredentials()).build())) {
            Properties ops = user("admin");
            ops.put("awsCredentialsProvider", new OpsCredentials());
            driver.connect(dsql.iamdbJdbcUrl(), ops).close();
            TokenProvider provider = driver.tokenProviders().iterator().next();

            assertThat(driver.owns(provider)).isTrue();
            assertThat(other.owns(provider)).isFalse();
            assertThat(driver.owns(dataSource.tokenProvider())).isFalse();
            assertThat(driver.owns(null)).isFalse();
            driver.close();
            // Still its own after closing, so that a listener told of the closing can tell whose it was.
            assertThat(driver.owns(provider)).isTrue();
        }
    }

    @Test
    void hikariJdbcUrlLogsInWithIamAndReachesPgjdbc() throws SQLException {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(dsqlUrl());
        hikari.setUsername("app");
        hikari.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(hikari); Connection c = pool.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("app");
            assertThat(c.getMetaData().getURL()).startsWith("jdbc:postgresql://127.0.0.1:" + dsql.port() + "/postgres");
            assertThat(c.unwrap(PGConnection.class).getBackendPID()).isPositive();
        }
        assertThat(dsql.decisions()).extracting(AuthDecision::accepted).containsOnly(true).isNotEmpty();
    }

    @Test
    void rdsSignsTheEndpointPortAndUsesTheDefaultCredentialsChain() throws SQLException {
        String rdsUrl = url(rds, "");
        assertThat(rdsUrl).contains("&iamDefaultPort=" + rds.endpointPort());
        try (DefaultChainCredentials credentials = DefaultChainCredentials.use(OPS);
             Connection c = DriverManager.getConnection(rdsUrl, "app", "")) {
            assertThat(query(c, "select current_user")).isEqualTo("app");
        }
        assertThat(rds.decisions()).extracting(AuthDecision::user, AuthDecision::accepted)
                .containsExactly(tuple("app", true));
    }

    @Test
    void tokensAreSharedByConnectionsWithTheSameKeyOnly() throws SQLException {
        dsql.grant("app", DEPLOY.principalArn());
        try (IamDriver driver = new IamDriver()) {
            driver.connect(dsqlUrl(), user("app")).close();
            Properties sameKeyOtherDriverSetting = user("app");
            sameKeyOtherDriverSetting.setProperty("ApplicationName", "reports");
            driver.connect(dsqlUrl(), sameKeyOtherDriverSetting).close();
            assertThat(driver.tokenProviders()).singleElement().satisfies(t -> {
                assertThat(t.tokensSigned()).isEqualTo(1);
                assertThat(t.tokensReused()).isEqualTo(1);
            });

            driver.connect(dsqlUrl(), user("admin")).close();
            driver.connect(url(dsql, "&awsCredentialsProvider=" + DeployCredentials.class.getName()), user("app")).close();
            assertThat(driver.tokenProviders()).hasSize(3)
                    .allSatisfy(t -> assertThat(t.tokensSigned()).isEqualTo(1))
                    .extracting(t -> t.config().user() + " " + t.config().credentialsSource())
                    .containsExactlyInAnyOrder("app awsCredentialsProvider " + OpsCredentials.class.getName(),
                            "admin awsCredentialsProvider " + OpsCredentials.class.getName(),
                            "app awsCredentialsProvider " + DeployCredentials.class.getName());
        }
        assertThat(dsql.decisions()).extracting(AuthDecision::accessKeyId)
                .containsExactly(OPS.accessKeyId(), OPS.accessKeyId(), OPS.accessKeyId(), DEPLOY.accessKeyId());
        assertThat(dsql.decisions()).extracting(AuthDecision::accepted).containsOnly(true);
    }

    @Test
    void connectionsArePgjdbcsAndReportItsUrlWithTheHost() throws SQLException {
        try (IamDriver driver = new IamDriver()) {
            Connection c = driver.connect(dsqlUrl(), user("admin"));
            DatabaseMetaData metadata = c.getMetaData();
            // What Flyway's Aurora DSQL support parses for the endpoint host: a plain URL, no iamdb parameters.
            assertThat(metadata.getURL()).startsWith("jdbc:postgresql://127.0.0.1:" + dsql.port() + "/postgres")
                    .doesNotContain("iamHost", "jdbc:iamdb", "awsCredentialsProvider");
            assertThat(java.net.URI.create(metadata.getURL().substring("jdbc:".length())).getHost()).isEqualTo("127.0.0.1");
            assertThat(metadata.getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c).isInstanceOf(PGConnection.class);
            c.close();
            assertThat(c.isClosed()).isTrue();
        }
    }

    @Test
    void badSettingsFailWithTheCoreMessage() {
        IamDriver driver = new IamDriver();
        assertThatThrownBy(() -> driver.connect(dsqlUrl() + "&iamregion=us-east-1", user("admin")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Unknown iamdb property 'iamregion'. Did you mean iamRegion?")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"))
                .cause().isInstanceOf(IamConfigException.class);
        assertThatThrownBy(() -> driver.connect(dsqlUrl(), new Properties()))
                .hasMessageContaining("Property user is required");
        assertThatThrownBy(() -> driver.connect("jdbc:iamdb:postgresql://127.0.0.1:99999/postgres", user("admin")))
                .hasMessageContaining("Invalid JDBC URL").hasMessageContaining("'99999'");
        assertThatThrownBy(() -> driver.connect(url(dsql, "&awsCredentialsProvider=no.such.Provider"), user("admin")))
                .hasMessageContaining("awsCredentialsProvider").hasMessageContaining("no.such.Provider");
        Properties withPassword = user("admin");
        withPassword.setProperty("password", "s3cret-password");
        assertThatThrownBy(() -> driver.connect(dsqlUrl(), withPassword))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password").hasMessageContaining("IAM tokens")
                .hasMessageNotContaining("s3cret-password");
        assertThat(dsql.decisions()).isEmpty();
    }

    @Test
    void aRejectedLoginSaysWhatToCheck() {
        // DEPLOY is not granted app: the server refuses, and the message names the step and the role mapping.
        assertThatThrownBy(() -> DriverManager.getConnection(
                url(dsql, "&awsCredentialsProvider=" + DeployCredentials.class.getName()), "app", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("The server rejected the IAM token for user 'app'")
                .hasMessageContaining("AWS IAM GRANT app TO")
                .hasMessageNotContaining("X-Amz-Signature");
    }

    @Test
    void propertyInfoListsIamdbPropertiesThenPgjdbcsWithoutPassword() throws SQLException {
        Properties info = user("app");
        info.setProperty("ApplicationName", "reports");
        DriverPropertyInfo[] listed = new IamDriver().getPropertyInfo(dsqlUrl(), info);
        assertThat(Arrays.stream(listed).limit(IamProperty.values().length))
                .extracting(d -> d.name, d -> d.description)
                .containsExactlyElementsOf(Stream.of(IamProperty.values())
                        .map(p -> tuple(p.propertyName(), p.description())).toList());
        assertThat(listed).filteredOn(d -> d.name.equals("user")).singleElement()
                .satisfies(d -> assertThat(d.required).isTrue())
                .satisfies(d -> assertThat(d.value).isEqualTo("app"));
        assertThat(listed).filteredOn(d -> d.name.equals("iamHost")).singleElement()
                .satisfies(d -> assertThat(d.value).isEqualTo(dsql.endpoint()));
        assertThat(listed).extracting(d -> d.name).contains("sslmode", "ApplicationName").doesNotContain("password");
        assertThat(listed).filteredOn(d -> d.name.equals("ApplicationName")).singleElement()
                .satisfies(d -> assertThat(d.value).isEqualTo("reports"));
        assertThat(new IamDriver().getPropertyInfo(dsql.jdbcUrl(), info)).isEmpty();
    }

    @Test
    void closingOrDeregisteringReleasesCredentialsProvidersIamdbCreated() throws SQLException {
        String url = url(dsql, "&awsCredentialsProvider=" + ClosingCredentials.class.getName());
        IamDriver driver = new IamDriver();
        ClosingCredentials.closed.set(0);
        driver.connect(url, user("admin")).close();
        driver.connect(url, user("app")).close();
        // Two users, two token providers, one credentials source: one credentials provider.
        assertThat(driver.tokenProviders()).hasSize(2);
        assertThat(driver.credentialsProviders()).hasSize(1);
        driver.close();
        assertThat(ClosingCredentials.closed.get()).isEqualTo(1);
        assertThat(driver.tokenProviders()).isEmpty();
        assertThat(driver.credentialsProviders()).isEmpty();

        // Still usable after close, with a new provider; deregistering releases that one.
        IamDriver.register(driver);
        try {
            driver.connect(url, user("admin")).close();
            assertThat(driver.tokenProviders()).hasSize(1);
        } finally {
            DriverManager.deregisterDriver(driver);
        }
        assertThat(ClosingCredentials.closed.get()).isEqualTo(2);
        assertThat(driver.tokenProviders()).isEmpty();
        assertThat(dsql.decisions()).extracting(AuthDecision::accepted).containsExactly(true, true, true);
    }

    @Test
    void providersUnusedForAWhileAreReleasedWithTheirCredentials() throws SQLException {
        AtomicLong nanos = new AtomicLong();
        String url = url(dsql, "&awsCredentialsProvider=" + ClosingCredentials.class.getName());
        ClosingCredentials.closed.set(0);
        try (IamDriver driver = new IamDriver(nanos::get, Duration.ofMinutes(15), null)) {
            driver.connect(url, user("admin")).close();
            nanos.addAndGet(Duration.ofMinutes(10).toNanos());
            driver.connect(url, user("app")).close();
            assertThat(driver.tokenProviders()).hasSize(2);

            nanos.addAndGet(Duration.ofMinutes(6).toNanos());
            driver.connect(url, user("app")).close();
            assertThat(driver.tokenProviders()).extracting(t -> t.config().user()).containsExactly("app");
            assertThat(ClosingCredentials.closed.get()).as("the source is still in use by app").isZero();

            nanos.addAndGet(Duration.ofMinutes(16).toNanos());
            driver.connect(url, user("admin")).close();
            assertThat(driver.tokenProviders()).extracting(t -> t.config().user()).containsExactly("admin");
            assertThat(driver.credentialsProviders()).hasSize(1);
        }
    }

    @Test
    void aRegionFromTheEnvironmentIsLookedUpOncePerConfiguration() throws SQLException {
        AtomicInteger lookups = new AtomicInteger();
        String url = "jdbc:iamdb:postgresql://127.0.0.1:" + dsql.port() + "/postgres?sslrootcert=" + dsql.caCertificate()
                + "&iamHost=" + dsql.endpoint() + "&iamService=dsql&awsCredentialsProvider=" + OpsCredentials.class.getName()
                + "&sslhostnameverifier=org.postgresql.ssl.PGjdbcHostnameVerifier";
        try (IamDriver driver = new IamDriver(System::nanoTime, IamDriver.IDLE, profile -> {
            lookups.incrementAndGet();
            return "us-east-1";
        })) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = driver.connect(url.replace(dsql.endpoint(), "db.example.com"), user("admin"))) {
                    assertThat(c.isValid(1)).isTrue();
                } catch (SQLException rejected) {
                    // Signed for another host than the testkit's endpoint: refused, after the configuration was built.
                    assertThat(rejected.getMessage()).contains("rejected the IAM token");
                }
            }
        }
        assertThat(lookups).hasValue(1);
    }

    @Test
    void springBootApplicationPropertiesFromTheGuide() throws IOException, SQLException {
        Properties boot = resource("application.properties");
        // Mapped the way Spring Boot builds its HikariDataSource: url, username, driver-class-name, hikari.* relaxed names.
        Properties hikari = new Properties();
        hikari.setProperty("jdbcUrl", boot.getProperty("spring.datasource.url"));
        hikari.setProperty("username", boot.getProperty("spring.datasource.username"));
        hikari.setProperty("driverClassName", boot.getProperty("spring.datasource.driver-class-name"));
        String prefix = "spring.datasource.hikari.";
        for (String key : boot.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                hikari.setProperty(camelCase(key.substring(prefix.length())), boot.getProperty(key));
            }
        }
        // Only what points at the testkit changes: its address, CA and endpoint, and the test's credentials.
        hikari.setProperty("jdbcUrl", dsqlUrl());
        try (HikariDataSource pool = new HikariDataSource(new HikariConfig(hikari)); Connection c = pool.getConnection()) {
            assertThat(query(c, "select current_user")).isEqualTo("admin");
            assertThat(pool.getMaxLifetime()).isEqualTo(55 * 60_000L);
            assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
        }
        assertThat(dsql.decisions()).extracting(AuthDecision::accepted).containsOnly(true).isNotEmpty();
    }

    @Test
    void hikariPropertiesFromTheGuide() throws IOException, SQLException {
        Properties hikari = resource("hikari.properties");
        // Only what points at the testkit changes: its address, CA and endpoint, and the test's credentials.
        hikari.setProperty("jdbcUrl", dsqlUrl());
        try (HikariDataSource pool = new HikariDataSource(new HikariConfig(hikari)); Connection c = pool.getConnection()) {
            assertThat(query(c, "select current_user || ' ' || current_setting('application_name')"))
                    .isEqualTo("app orders-service");
            assertThat(pool.getMaxLifetime()).isEqualTo(55 * 60_000L);
        }
    }

    static Properties resource(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = IamDriverTest.class.getResourceAsStream("/jdbc-url/" + name)) {
            p.load(in);
        }
        return p;
    }

    private static String camelCase(String kebab) {
        StringBuilder b = new StringBuilder();
        for (String part : kebab.split("-")) {
            b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return b.toString();
    }

    /** Credentials of OPS, named in URLs by class. */
    public static final class OpsCredentials implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(OPS.accessKeyId(), OPS.secretAccessKey());
        }
    }

    /** Credentials of DEPLOY, named in URLs by class. */
    public static final class DeployCredentials implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(DEPLOY.accessKeyId(), DEPLOY.secretAccessKey());
        }
    }

    /** OPS's credentials; counts how often iamdb closed an instance it created. */
    public static final class ClosingCredentials implements AwsCredentialsProvider, AutoCloseable {
        static final AtomicInteger closed = new AtomicInteger();

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(OPS.accessKeyId(), OPS.secretAccessKey());
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }
}
