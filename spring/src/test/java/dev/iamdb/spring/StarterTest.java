package dev.iamdb.spring;

import static dev.iamdb.testing.Latches.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.IamDriver;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.TokenProvider;
import dev.iamdb.TransactionRetry;
import dev.iamdb.micrometer.IamMetrics;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The starter in real Spring Boot applications (whichever Boot line this module is built with: this source runs on
 * Boot 4 in spring/ and on Boot 3.5 in spring/boot3/), against the testkit's IAM-verifying PostgreSQL in its Aurora
 * DSQL emulation, through pgjdbc. Settings are given as command-line arguments, as an application's own would be.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterTest {
    static final Identity CHAIN = Identity.of("AKIASTARTERCHAIN0001", "starter-chain-secret", Identity.DEFAULT_PRINCIPAL_ARN);
    static final Identity BEAN = Identity.of("AKIASTARTERBEAN00002", "starter-bean-secret", Identity.DEFAULT_PRINCIPAL_ARN);

    private static LocalIamDatabase db;
    private static DefaultChainCredentials chain;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().identities(CHAIN, BEAN).role("app").start();
        chain = DefaultChainCredentials.use(CHAIN);
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)");
            s.execute("INSERT INTO counter VALUES (1, 0)");
            s.execute("GRANT ALL ON counter TO admin");
        }
    }

    @AfterAll
    static void stop() {
        chain.close();
        db.close();
    }

    @BeforeEach
    void clearDecisions() {
        db.clearDecisions();
    }

    /** An application with nothing of its own: Boot's auto-configuration and the starter's. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    private static ConfigurableApplicationContext run(Class<?> application, String... settings) {
        List<String> args = new ArrayList<>();
        for (String s : settings) {
            args.add("--" + s);
        }
        // Migrations only where a test asks for them; a repeated argument would join both values with a comma.
        for (String tool : List.of("flyway", "liquibase")) {
            if (args.stream().noneMatch(a -> a.startsWith("--spring." + tool + ".enabled="))) {
                args.add("--spring." + tool + ".enabled=false");
            }
        }
        return new SpringApplicationBuilder(application).web(WebApplicationType.NONE).run(args.toArray(new String[0]));
    }

    private static String currentUser(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return TestkitConfigs.currentUser(c);
        }
    }

    @Test
    void aJdbcIamdbDatasourceUrlNeedsNoDriverClassAndGetsDsqlSafeHikariDefaults() throws SQLException {
        try (ConfigurableApplicationContext context = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin")) {
            HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);

            assertThat(currentUser(pool)).isEqualTo("admin");
            assertThat(pool.getDriverClassName()).isEqualTo(IamDriver.class.getName());
            assertThat(pool.getMaxLifetime()).isEqualTo(IamPooledDataSource.DEFAULT_MAX_LIFETIME.toMillis());
        }
        assertThat(db.decisions()).isNotEmpty().extracting(AuthDecision::user, AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsOnly(tuple("admin", CHAIN.accessKeyId(), true));
    }

    @Test
    void springDatasourceHikariSettingsOfTheApplicationWin() throws SQLException {
        try (ConfigurableApplicationContext context = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=app", "spring.datasource.hikari.max-lifetime=600000",
                "spring.datasource.hikari.maximum-pool-size=3",
                "spring.datasource.hikari.data-source-properties.ApplicationName=starter-test")) {
            HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);

            assertThat(pool.getMaxLifetime()).isEqualTo(600_000);
            assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
            assertThat(new JdbcTemplate(pool).queryForObject("SELECT current_user || ' ' || current_setting('application_name')",
                    String.class)).isEqualTo("app starter-test");
        }
    }

    @Test
    void anRdsEndpointKeepsHikarisOwnMaxLifetime() throws SQLException {
        try (ConfigurableApplicationContext context = run(App.class,
                "spring.datasource.url=jdbc:iamdb:postgresql://orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders",
                "spring.datasource.username=app")) {
            HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);

            assertThat(pool.getDriverClassName()).isEqualTo(IamDriver.class.getName());
            assertThat(pool.getMaxLifetime()).isEqualTo(new HikariDataSource().getMaxLifetime());
        }
    }

    @Test
    void flywayMigratesAsAdminThroughItsOwnJdbcIamdbUrl() throws SQLException {
        // The guide's configuration, with the local server's URLs for the cluster's.
        try (ConfigurableApplicationContext context = run(App.class, "spring.config.import=classpath:docs/migration-user.properties",
                "spring.datasource.url=" + db.iamdbJdbcUrl(), "spring.flyway.url=" + db.iamdbJdbcUrl(),
                "spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/flyway-starter",
                // The schema already holds the other tests' tables.
                "spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0")) {
            assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo("app");
        }
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("0:true", "1:true");
        assertThat(db.decisions()).allSatisfy(d -> assertThat(d.accepted()).as(d.reason()).isTrue())
                .extracting(AuthDecision::user).contains("admin", "app");
    }

    @Test
    void liquibaseMigratesAsAdminThroughItsOwnJdbcIamdbUrl() throws SQLException {
        try (ConfigurableApplicationContext context = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=app", "spring.liquibase.enabled=true",
                "spring.liquibase.url=" + db.iamdbJdbcUrl(), "spring.liquibase.user=admin",
                "spring.liquibase.change-log=classpath:db/liquibase-starter/changelog.sql")) {
            assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo("app");
        }
        try (Connection c = db.adminConnection()) {
            assertThat(TestkitConfigs.queryForString(c, "SELECT count(*) FROM migrated_by_liquibase")).isEqualTo("0");
        }
        assertThat(db.decisions()).allSatisfy(d -> assertThat(d.accepted()).as(d.reason()).isTrue())
                .extracting(AuthDecision::user).contains("admin", "app");
    }

    /** An application that defines the AWS credentials it signs with. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WithCredentialsBean {
        @Bean
        AwsCredentialsProvider awsCredentialsProvider() {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(BEAN.accessKeyId(), BEAN.secretAccessKey()));
        }
    }

    @Test
    void anAwsCredentialsProviderBeanSignsTheTokensWithoutAnyProperty() throws SQLException {
        try (ConfigurableApplicationContext context = run(WithCredentialsBean.class,
                "spring.datasource.url=" + db.iamdbJdbcUrl(), "spring.datasource.username=admin")) {
            assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo("admin");
        }
        assertThat(db.decisions()).isNotEmpty().extracting(AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsOnly(tuple(BEAN.accessKeyId(), true));
    }

    @Test
    void iamdbPropertiesReachTheDriverAndClosingTheContextReleasesItsProviders() throws SQLException {
        ClosingCredentials.closed.set(0);
        try (ConfigurableApplicationContext context = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin", "iamdb.aws-credentials-provider=" + ClosingCredentials.class.getName())) {
            assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo("admin");
            assertThat(ClosingCredentials.closed).hasValue(0);
        }
        // The provider iamdb created from the class name belonged to the context's driver, closed with the context.
        assertThat(ClosingCredentials.closed).hasValue(1);
        assertThat(db.decisions()).isNotEmpty().extracting(AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsOnly(tuple(BEAN.accessKeyId(), true));
    }

    /** BEAN's credentials, named by class; counts how often iamdb closed an instance it created. */
    public static final class ClosingCredentials implements AwsCredentialsProvider, AutoCloseable {
        static final AtomicInteger closed = new AtomicInteger();

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(BEAN.accessKeyId(), BEAN.secretAccessKey());
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    /** An application that logs in at start-up, so that a wrong setting stops it. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ConnectsAtStartUp {
        @Bean
        ApplicationRunner connect(DataSource dataSource) {
            return args -> currentUser(dataSource);
        }
    }

    @Test
    void aWrongIamdbSettingStopsTheStartWithBootsReportNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> run(ConnectsAtStartUp.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin", "iamdb.iam-token-lifetime=5").close());

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("iamdb could not configure the IAM login: ")
                .contains("iamTokenLifetime")
                .contains("Correct iamdb.iam-token-lifetime, following the message above.");
    }

    @Test
    void aWrongUrlParameterIsNamedWhereItWasWritten(CapturedOutput output) {
        assertThatThrownBy(() -> run(ConnectsAtStartUp.class, "spring.datasource.url=" + db.iamdbJdbcUrl() + "&iamRegoin=x",
                "spring.datasource.username=admin").close());

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("Correct iamRegoin (as set in the jdbc:iamdb: URL of spring.datasource.url");
    }

    /** A transaction that meets a conflict on its first attempt: another session changes the row it read. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WithConflicts {
        @Bean
        Counter counter(JdbcTemplate jdbc) {
            return new Counter(jdbc);
        }

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Outcomes outcomes() {
            return new Outcomes();
        }
    }

    /** An application's own listener, which the retry advice tells about every transaction it ran. */
    static class Outcomes implements TransactionRetry.Listener {
        final List<String> finished = new CopyOnWriteArrayList<>();

        @Override
        public void finished(int attempts, boolean committed) {
            finished.add(attempts + (committed ? " committed" : " failed"));
        }
    }

    static class Counter {
        private final AtomicInteger attempts = new AtomicInteger();
        private final JdbcTemplate jdbc;

        Counter(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional
        public void increment() throws SQLException {
            int n = jdbc.queryForObject("SELECT n FROM counter WHERE id = 1", Integer.class);
            if (attempts.incrementAndGet() == 1) {
                try (Connection other = db.adminConnection(); Statement s = other.createStatement()) {
                    s.executeUpdate("UPDATE counter SET n = n + 100 WHERE id = 1");
                }
            }
            jdbc.update("UPDATE counter SET n = ? WHERE id = 1", n + 1);
        }

        /** A method, not the field: the test holds Spring's proxy, whose own fields are not the counter's. */
        public int attempts() {
            return attempts.get();
        }
    }

    private static int counter() throws SQLException {
        try (Connection c = db.adminConnection()) {
            return Integer.parseInt(TestkitConfigs.queryForString(c, "SELECT n FROM counter WHERE id = 1"));
        }
    }

    @Test
    void withIamdbRetryEnabledATransactionalMethodRunsAgainAfterAConflict() throws SQLException {
        int before = counter();
        try (ConfigurableApplicationContext context = run(WithConflicts.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin", "spring.config.import=classpath:docs/iamdb-properties.properties")) {
            Counter counter = context.getBean(Counter.class);
            counter.increment();

            assertThat(counter.attempts()).isEqualTo(2);
            io.micrometer.core.instrument.Counter retries =
                    context.getBean(MeterRegistry.class).get("iamdb.transactions.retries").counter();
            assertThat(retries.count()).isEqualTo(1);
            assertThat(retries.getId().getTag("sqlstate")).startsWith("40001");
            assertThat(context.getBean(Outcomes.class).finished).containsExactly("2 committed");
        }
        assertThat(counter()).isEqualTo(before + 101);
    }

    @Test
    void withoutIamdbRetryTheConflictReachesTheCaller() throws SQLException {
        int before = counter();
        try (ConfigurableApplicationContext context = run(WithConflicts.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin")) {
            Counter counter = context.getBean(Counter.class);

            assertThatThrownBy(counter::increment).satisfies(e -> assertThat(TransactionRetry.isConflict(e)).isTrue());
            assertThat(counter.attempts()).isEqualTo(1);
            assertThat(context.getBean(MeterRegistry.class).find("iamdb.transactions.retries").counter()).isNull();
            assertThat(context.getBean(Outcomes.class).finished).isEmpty();
        }
        assertThat(counter()).isEqualTo(before + 100);
    }

    /**
     * The {@code iamdb} health contributor through the health API of the Boot line running this test (Boot 4's
     * spring-boot-health, or Boot 3.5's spring-boot-actuator): its status code and details.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> health(ConfigurableApplicationContext context) throws ReflectiveOperationException {
        Class<?> api = Class.forName(SpringBootVersion.getVersion().startsWith("3.")
                ? "org.springframework.boot.actuate.health.HealthIndicator"
                : "org.springframework.boot.health.contributor.HealthIndicator");
        Object indicator = context.getBean("iamdbHealthIndicator");
        assertThat(indicator).isInstanceOf(api);
        Object health = api.getMethod("health").invoke(indicator);
        Object status = health.getClass().getMethod("getStatus").invoke(health);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status.getClass().getMethod("getCode").invoke(status));
        result.putAll((Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health));
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> configurations(Map<String, Object> health) {
        return (Map<String, String>) health.get("configurations");
    }

    @Test
    void eachContextReportsOnlyItsOwnConfigurationsInHealthAndMeters() throws Exception {
        try (ConfigurableApplicationContext admin = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin");
             ConfigurableApplicationContext app = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                     "spring.datasource.username=app")) {
            assertThat(currentUser(admin.getBean(DataSource.class))).isEqualTo("admin");
            assertThat(currentUser(app.getBean(DataSource.class))).isEqualTo("app");

            Map<String, Object> adminHealth = health(admin);
            assertThat(adminHealth).containsEntry("status", "UP");
            assertThat(configurations(adminHealth)).containsOnlyKeys("admin@" + db.endpoint());
            assertThat(configurations(health(app))).containsOnlyKeys("app@" + db.endpoint())
                    .allSatisfy((name, state) -> assertThat(state).isEqualTo("long-term credentials"));

            SimpleMeterRegistry adminMeters = new SimpleMeterRegistry();
            admin.getBean(IamMetrics.class).bindTo(adminMeters);
            assertThat(adminMeters.get("iamdb.tokens.signed").tag("user", "admin").functionCounter().count()).isEqualTo(1);
            assertThat(adminMeters.find("iamdb.tokens.signed").tag("user", "app").functionCounter()).isNull();
        }
    }

    @Test
    void healthIsDownNamingTheConfigurationWhoseCredentialsFail() throws Exception {
        try (ConfigurableApplicationContext context = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin", "iamdb.aws-credentials-provider=" + FailingCredentials.class.getName())) {
            assertThatThrownBy(() -> currentUser(context.getBean(DataSource.class))).isInstanceOf(SQLException.class);

            Map<String, Object> health = health(context);
            assertThat(health).containsEntry("status", "DOWN");
            assertThat(configurations(health)).containsOnlyKeys("admin@" + db.endpoint())
                    .allSatisfy((name, problem) -> assertThat(problem).contains(FailingCredentials.PROBLEM));
        }
    }

    /** Credentials that cannot be resolved, named by class: what an unreachable credentials source looks like. */
    public static final class FailingCredentials implements AwsCredentialsProvider {
        static final String PROBLEM = "the test's credentials source is unreachable";

        @Override
        public AwsCredentials resolveCredentials() {
            throw new IllegalStateException(PROBLEM);
        }
    }

    /** An application that logs in while it starts: its driver's first provider exists before the starter's own beans. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ConnectsWhileStarting {
        @Bean
        String userAtStartUp(DataSource dataSource) throws SQLException {
            return currentUser(dataSource);
        }
    }

    private static double tokensSigned(SimpleMeterRegistry meters) {
        return meters.get("iamdb.tokens.signed").tag("user", "admin").functionCounter().count();
    }

    @Test
    void anotherContextThatStartsAndStopsBesideThisOneLeavesItsMetersAlone() throws SQLException {
        try (ConfigurableApplicationContext mine = run(App.class, "spring.datasource.url=" + db.iamdbJdbcUrl(),
                "spring.datasource.username=admin")) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            mine.getBean(IamMetrics.class).bindTo(meters);
            assertThat(currentUser(mine.getBean(DataSource.class))).isEqualTo("admin");
            assertThat(tokensSigned(meters)).isEqualTo(1);

            // Same user and endpoint, so the same tags: only whose provider it is keeps the other's token out.
            try (ConfigurableApplicationContext other = run(ConnectsWhileStarting.class,
                    "spring.datasource.url=" + db.iamdbJdbcUrl(), "spring.datasource.username=admin")) {
                assertThat(other.getBean("userAtStartUp")).isEqualTo("admin");
                assertThat(tokensSigned(meters)).as("the other context's token").isEqualTo(1);
            }
            assertThat(tokensSigned(meters)).isEqualTo(1);
            assertThat(meters.get("iamdb.credentials.expiry").tag("user", "admin").timeGauge().value()).isNaN();
        }
    }

    @Test
    void healthChecksRunSideBySideAndConfigurationsSharingANameAreNumbered() throws SQLException {
        CountDownLatch laterCheckStarted = new CountDownLatch(1);
        // Answers only once the check of a configuration sorted after it has started: checks one after another would
        // leave it waiting until its health check timed out.
        AwsCredentialsProvider waitsForTheLaterCheck = () -> {
            awaitQuietly(laterCheckStarted, Duration.ofSeconds(30), "the later check never started");
            return AwsBasicCredentials.create(CHAIN.accessKeyId(), CHAIN.secretAccessKey());
        };
        AwsCredentialsProvider startsAtOnce = () -> {
            laterCheckStarted.countDown();
            return AwsBasicCredentials.create(BEAN.accessKeyId(), BEAN.secretAccessKey());
        };
        try (IamDataSource admin = new IamDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "admin")
                     .credentialsProvider(waitsForTheLaterCheck).build());
             IamDataSource app = new IamDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "app")
                     .credentialsProvider(startsAtOnce).build());
             IamDataSource appAgain = new IamDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "app")
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create(BEAN.accessKeyId(), BEAN.secretAccessKey()))).build())) {
            List<TokenProvider> mine = List.of(admin.tokenProvider(), app.tokenProvider(), appAgain.tokenProvider());

            CredentialsHealth health = CredentialsHealth.check(mine::contains);

            assertThat(health.up()).as(health.configurations().toString()).isTrue();
            assertThat(health.configurations()).containsOnlyKeys("admin@" + db.endpoint(), "app@" + db.endpoint(),
                    "app@" + db.endpoint() + " #2");
        }
    }
}
