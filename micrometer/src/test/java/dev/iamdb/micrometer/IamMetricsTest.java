package dev.iamdb.micrometer;

import static dev.iamdb.testing.TestkitConfigs.credentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.CredentialsCheck;
import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.TokenMetrics;
import dev.iamdb.TokenProvider;
import dev.iamdb.TokenProviders;
import dev.iamdb.TransactionRetry;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** IamMetrics on a SimpleMeterRegistry, with connections to the testkit's IAM-verifying PostgreSQL. */
class IamMetricsTest {
    private static final Identity SESSION = Identity.withSessionToken("ASIAMICROMETER000001", "micrometer-secret",
            "micrometer-session-token", "arn:aws:iam::123456789012:role/ops");
    private static final ManualClock clock = new ManualClock(Instant.now());
    private static LocalIamDatabase db;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final IamMetrics metrics = new IamMetrics(Tags.of("application", "shop"));
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().identity(SESSION).role("app").clock(clock).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() throws SQLException {
        db.grant("app", SESSION.principalArn());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        metrics.close();
    }

    /** The testkit identity's session credentials, expiring an hour from the test clock's start. */
    private static final Instant EXPIRY = clock.instant().plus(Duration.ofHours(1));

    private static AwsCredentialsProvider session() {
        return () -> AwsSessionCredentials.builder().accessKeyId(SESSION.accessKeyId()).secretAccessKey(SESSION.secretAccessKey())
                .sessionToken(SESSION.sessionToken()).expirationTime(EXPIRY).build();
    }

    private static IamConfig.Builder config(String user) {
        return IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", user).credentialsProvider(session()).clock(clock);
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeMe.add(c);
        return c;
    }

    private Tags app() {
        return Tags.of("application", "shop", "service", "dsql", "endpoint", db.endpoint(), "user", "app");
    }

    private double count(String name, Tags tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void metersFollowAPoolFromOpenToClose() throws SQLException {
        metrics.bindTo(registry);
        try (IamPooledDataSource pool = new IamPooledDataSource(config("app").property("pool.maximumPoolSize", 2).build());
             Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
            assertThat(count("iamdb.tokens.signed", app())).isEqualTo(1);
            assertThat(count("iamdb.tokens.reused", app())).isGreaterThanOrEqualTo(1);
            assertThat(count("iamdb.logins.rejected", app())).isZero();
            assertThat(count("iamdb.signing.failures", app().and("cause", "credentials"))).isZero();
            assertThat(registry.get("iamdb.signing").tags(app()).functionTimer().count()).isEqualTo(1);
            assertThat(registry.get("iamdb.credentials.expiry").tags(app()).timeGauge().value(TimeUnit.SECONDS))
                    .isEqualTo(Duration.between(clock.instant(), EXPIRY).toSeconds());
            clock.advance(Duration.ofMinutes(10));
            assertThat(registry.get("iamdb.credentials.expiry").tags(app()).timeGauge().value(TimeUnit.SECONDS))
                    .isEqualTo(Duration.between(clock.instant(), EXPIRY).toSeconds());
        }
        assertThat(registry.find("iamdb.tokens.signed").tags(app()).functionCounter()).isNull();
        assertThat(registry.find("iamdb.credentials.expiry").tags(app()).meter()).isNull();
    }

    @Test
    void providersThatShareTagsAreAddedUpAndCountersNeverGoBack() throws Exception {
        IamDataSource first = closeLater(new IamDataSource(config("app").build()));
        first.getConnection().close();
        // Bound after the first provider exists: it is found all the same.
        metrics.bindTo(registry);
        assertThat(count("iamdb.tokens.signed", app())).isEqualTo(1);
        IamDataSource second = closeLater(new IamDataSource(config("app").build()));
        second.getConnection().close();
        assertThat(count("iamdb.tokens.signed", app())).isEqualTo(2);
        first.close();
        assertThat(count("iamdb.tokens.signed", app())).as("a closed provider's tokens still count").isEqualTo(2);
        second.close();
        assertThat(registry.find("iamdb.tokens.signed").tags(app()).functionCounter()).isNull();
    }

    @Test
    void aFilteredBinderMetersOnlyTheProvidersItAccepts() throws SQLException {
        IamDataSource mine = closeLater(new IamDataSource(config("app").build()));
        IamDataSource theirs = closeLater(new IamDataSource(config("admin").build()));
        IamMetrics filtered = closeLater(new IamMetrics(Tags.of("application", "shop"), p -> p == mine.tokenProvider()));
        filtered.bindTo(registry);
        mine.getConnection().close();
        theirs.getConnection().close();

        assertThat(count("iamdb.tokens.signed", app())).isEqualTo(1);
        assertThat(registry.find("iamdb.tokens.signed").tag("user", "admin").functionCounter()).isNull();
        theirs.close();
        assertThat(count("iamdb.tokens.signed", app())).as("closing another provider changes nothing").isEqualTo(1);
        mine.close();
        assertThat(registry.find("iamdb.tokens.signed").tags(app()).functionCounter()).isNull();
    }

    /**
     * The driver replaces an idle provider every 15 minutes for as long as the application runs, often beside a pool
     * with the same tags that stays: what a closed provider counted must stay in the counters without its objects.
     */
    @Test
    void aClosedProviderIsNotKeptWhileAnotherWithTheSameTagsLivesOn() throws SQLException {
        metrics.bindTo(registry);
        closeLater(new IamDataSource(config("app").build())).getConnection().close();
        WeakReference<TokenMetrics> closed = metricsOfAClosedProviderThatSignedOnce();
        for (int i = 0; i < 50 && closed.get() != null; i++) {
            System.gc();
        }
        assertThat(closed.get()).as("the closed provider's metrics are collectable").isNull();
        assertThat(count("iamdb.tokens.signed", app())).as("what it counted still counts").isEqualTo(2);
        assertThat(registry.get("iamdb.signing").tags(app()).functionTimer().count()).isEqualTo(2);
    }

    private static WeakReference<TokenMetrics> metricsOfAClosedProviderThatSignedOnce() throws SQLException {
        try (IamDataSource gone = new IamDataSource(config("app").build())) {
            gone.getConnection().close();
            return new WeakReference<>(gone.tokenProvider().metrics());
        }
    }

    @Test
    void rejectedLoginsAndSigningFailuresAreCounted() throws SQLException {
        metrics.bindTo(registry);
        IamDataSource app = closeLater(new IamDataSource(config("app").build()));
        app.getConnection().close();
        db.revoke("app", SESSION.principalArn());
        assertThatThrownBy(app::getConnection).isInstanceOf(SQLException.class);
        assertThat(count("iamdb.logins.rejected", app())).isEqualTo(2);

        // A credentials provider that fails on demand: the one fault here no real part produces.
        IamDataSource broken = closeLater(new IamDataSource(config("broken").credentialsProvider(() -> {
            throw new IllegalStateException("Unable to load credentials");
        }).build()));
        assertThatThrownBy(broken::getConnection).hasMessageContaining("Could not resolve AWS credentials");
        Tags brokenTags = Tags.of("application", "shop", "service", "dsql", "endpoint", db.endpoint(), "user", "broken");
        assertThat(count("iamdb.signing.failures", brokenTags.and("cause", "credentials"))).isEqualTo(1);
        assertThat(count("iamdb.signing.failures", brokenTags.and("cause", "signing"))).isZero();
        assertThat(registry.get("iamdb.credentials.expiry").tags(brokenTags).timeGauge().value(TimeUnit.SECONDS)).isNaN();
    }

    @Test
    void closingTheBinderRemovesItsMeters() throws SQLException {
        metrics.bindTo(registry);
        closeLater(new IamDataSource(config("app").build())).getConnection().close();
        assertThat(registry.find("iamdb.tokens.signed").tags(app()).functionCounter()).isNotNull();
        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
        closeLater(new IamDataSource(config("admin").build())).getConnection().close();
        assertThat(registry.getMeters()).as("no meters after close").isEmpty();
    }

    @Test
    void transactionRetriesAreCountedBySqlState() throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS hits (id int PRIMARY KEY, n int NOT NULL)");
            s.execute("GRANT ALL ON hits TO admin");
            s.execute("DELETE FROM hits");
            s.execute("INSERT INTO hits VALUES (1, 0)");
        }
        TransactionRetry retry = TransactionRetry.create().withListener(IamMetrics.retryListener(registry));
        AtomicInteger attempts = new AtomicInteger();
        try (IamPooledDataSource pool = new IamPooledDataSource(config("admin").build())) {
            retry.withSleeper(pause -> { }).inTransaction(pool, connection -> {
                try (Statement s = connection.createStatement()) {
                    // The first read fixes the transaction's snapshot; a commit elsewhere after it makes the update conflict.
                    try (ResultSet r = s.executeQuery("SELECT n FROM hits WHERE id = 1")) {
                        r.next();
                    }
                    if (attempts.incrementAndGet() == 1) {
                        try (Connection other = db.adminConnection(); Statement o = other.createStatement()) {
                            o.executeUpdate("UPDATE hits SET n = n + 1 WHERE id = 1");
                        }
                    }
                    return s.executeUpdate("UPDATE hits SET n = n + 1 WHERE id = 1");
                }
            });
        }
        assertThat(attempts).hasValue(2);
        assertThat(registry.get("iamdb.transactions.retries").counter().count()).isEqualTo(1);
        assertThat(registry.get("iamdb.transactions.retries").counter().getId().getTag("sqlstate")).startsWith("40001");
    }

    /** The code of docs/metrics.md, run as written. */
    @Test
    void theGuidesSnippetsWork() throws Exception {
        IamMetrics metrics = new IamMetrics();
        metrics.bindTo(registry);
        closeMe.add(metrics);
        IamPooledDataSource dataSource = closeLater(new IamPooledDataSource(config("app").build()));
        dataSource.getConnection().close();
        assertThat(registry.get("iamdb.tokens.signed").tag("user", "app").functionCounter().count()).isEqualTo(1);

        Map<String, String> report = new TreeMap<>();
        for (TokenProvider provider : TokenProviders.live()) {
            CredentialsCheck check = provider.checkCredentials(Duration.ofSeconds(5));
            String name = provider.metrics().user() + "@" + provider.metrics().endpoint();
            if (check.resolved()) {
                report.put(name, check.timeLeft().map(left -> left.toMinutes() + " min left").orElse("long-term credentials"));
            } else {
                report.put(name, "DOWN: " + check.problem().orElseThrow());
            }
        }
        assertThat(report.get("app@" + db.endpoint())).matches("\\d+ min left");
        assertThat(registry.find("iamdb.tokens.signed").tag("user", "app").functionCounter().count())
                .as("the check signs nothing").isEqualTo(1);
    }
}
