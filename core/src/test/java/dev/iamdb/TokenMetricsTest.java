package dev.iamdb;

import static dev.iamdb.testing.TestkitConfigs.credentials;
import static dev.iamdb.testing.TestkitConfigs.currentUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.TokenMetrics.SigningFailure;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * TokenMetrics, TokenProviders and the credentials check, on every route to a token: IamPooledDataSource and the
 * jdbc:iamdb: driver against the testkit's IAM-verifying PostgreSQL, and TokenProvider alone for credentials faults.
 */
class TokenMetricsTest {
    static final Identity OPS = Identity.of("AKIAMETRICSOPS000001", "metrics-ops-secret", "arn:aws:iam::123456789012:role/ops");
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

    private static LocalIamDatabase db;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().identity(OPS).role("app").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void reset() throws SQLException {
        db.clearDecisions();
        db.grant("app", OPS.principalArn());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
    }

    private static IamConfig.Builder config(String user) {
        return IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", user).credentialsProvider(credentials(OPS));
    }

    /** A provider for a host nobody connects to, on the test's clock, for what happens before a connection. */
    private TokenProvider provider(AwsCredentialsProvider credentials) {
        TokenProvider tokens = new TokenProvider(IamConfig.builder().url("jdbc:postgresql://" + HOST + ":5432/postgres")
                .property("user", "admin").clock(clock).credentialsProvider(credentials).build());
        closeMe.add(tokens);
        return tokens;
    }

    private AwsSessionCredentials sessionExpiringIn(Duration left) {
        return AwsSessionCredentials.builder().accessKeyId("ASIAMETRICSEXAMPLE01").secretAccessKey("session-secret")
                .sessionToken("session-token-value").expirationTime(clock.instant().plus(left)).build();
    }

    @Test
    void aPoolSignsOnceAndReusesTheTokenForItsOtherConnections() throws SQLException {
        TokenMetrics metrics;
        try (IamPooledDataSource pool = new IamPooledDataSource(config("app").property("pool.maximumPoolSize", 3).build());
             Connection a = pool.getConnection(); Connection b = pool.getConnection(); Connection c = pool.getConnection()) {
            assertThat(currentUser(c)).isEqualTo("app");
            metrics = pool.tokenProvider().metrics();
            assertThat(TokenProviders.live()).contains(pool.tokenProvider());
            assertThat(metrics.service()).isEqualTo("dsql");
            assertThat(metrics.endpoint()).isEqualTo(db.endpoint());
            assertThat(metrics.user()).isEqualTo("app");
            assertThat(metrics.tokensSigned()).isEqualTo(1);
            assertThat(metrics.tokensReused()).isGreaterThanOrEqualTo(2);
            assertThat(metrics.loginsRejected()).isZero();
            assertThat(metrics.credentialsExpiry()).as("long-term credentials do not expire").isEmpty();
            // Every physical connection got its token from the provider, signed or reused.
            assertThat(metrics.tokensSigned() + metrics.tokensReused()).isEqualTo(db.decisions().size());
        }
        assertThat(TokenProviders.live()).noneMatch(p -> p.metrics() == metrics);
    }

    @Test
    void theDriversProvidersAreListedWhileTheyLive() throws Exception {
        List<TokenProvider> added = new CopyOnWriteArrayList<>();
        List<TokenProvider> removed = new CopyOnWriteArrayList<>();
        IamDriver driver = new IamDriver();
        try (AutoCloseable subscription = TokenProviders.subscribe(new TokenProviders.Listener() {
            @Override
            public void added(TokenProvider provider) {
                if (provider.metrics().endpoint().equals(db.endpoint())) {
                    added.add(provider);
                }
            }

            @Override
            public void removed(TokenProvider provider) {
                removed.add(provider);
            }
        })) {
            Properties admin = new Properties();
            admin.setProperty("user", "admin");
            String url = db.iamdbJdbcUrl() + "&awsCredentialsProvider=" + OpsCredentials.class.getName();
            for (int i = 0; i < 3; i++) {
                try (Connection c = driver.connect(url, admin)) {
                    assertThat(currentUser(c)).isEqualTo("admin");
                }
            }
            assertThat(added).singleElement().satisfies(p -> {
                assertThat(p.metrics().user()).isEqualTo("admin");
                assertThat(p.metrics().tokensSigned()).isEqualTo(1);
                assertThat(p.metrics().tokensReused()).isEqualTo(2);
            });
            assertThat(TokenProviders.live()).contains(added.get(0));
            driver.close();
            assertThat(removed).contains(added.get(0));
            assertThat(TokenProviders.live()).doesNotContain(added.get(0));
        } finally {
            driver.close();
        }
    }

    @Test
    void aSubscriberIsToldAboutProvidersThatAlreadyExist() throws Exception {
        TokenProvider existing = provider(() -> AwsBasicCredentials.create("AKIAMETRICSEXAMPLE02", "secret"));
        List<TokenProvider> added = new ArrayList<>();
        try (AutoCloseable subscription = TokenProviders.subscribe(new TokenProviders.Listener() {
            @Override
            public void added(TokenProvider provider) {
                added.add(provider);
            }

            @Override
            public void removed(TokenProvider provider) {
            }
        })) {
            assertThat(added).contains(existing);
        }
    }

    @Test
    void aListenerThatThrowsBreaksNoConnection() throws Exception {
        try (AutoCloseable subscription = TokenProviders.subscribe(new TokenProviders.Listener() {
            @Override
            public void added(TokenProvider provider) {
                throw new IllegalStateException("a listener bug");
            }

            @Override
            public void removed(TokenProvider provider) {
                throw new IllegalStateException("a listener bug");
            }
        })) {
            try (IamDataSource app = new IamDataSource(config("app").build()); Connection c = app.getConnection()) {
                assertThat(currentUser(c)).isEqualTo("app");
            }
        }
    }

    @Test
    void rejectedLoginsAreCountedOncePerRefusal() throws SQLException {
        try (IamDataSource app = new IamDataSource(config("app").build())) {
            app.getConnection().close();
            db.revoke("app", OPS.principalArn());
            assertThatThrownBy(app::getConnection).isInstanceOf(SQLException.class);
            // The cached token was refused, then the freshly signed one.
            assertThat(app.tokenProvider().metrics().loginsRejected()).isEqualTo(2);
            assertThat(app.tokenProvider().metrics().tokensSigned()).isEqualTo(2);
        }
    }

    @Test
    void signingTimeIncludesResolvingCredentials() throws SQLException {
        TokenProvider tokens = provider(() -> {
            clock.advance(Duration.ofMillis(1500));
            return sessionExpiringIn(Duration.ofHours(1));
        });
        tokens.token();
        assertThat(tokens.metrics().tokensSigned()).isEqualTo(1);
        assertThat(tokens.metrics().signingTime()).isEqualTo(Duration.ofMillis(1500));
        tokens.token();
        assertThat(tokens.metrics().tokensReused()).isEqualTo(1);
        assertThat(tokens.metrics().signingTime()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void credentialsExpiryIsTheTimeLeftOnTheLastResolvedSession() throws SQLException {
        AwsSessionCredentials session = sessionExpiringIn(Duration.ofHours(1));
        TokenProvider tokens = provider(() -> session);
        assertThat(tokens.metrics().credentialsTimeLeft()).as("before the first resolution").isEmpty();
        tokens.token();
        assertThat(tokens.metrics().credentialsExpiry()).contains(session.expirationTime().get());
        clock.advance(Duration.ofMinutes(10));
        assertThat(tokens.metrics().credentialsTimeLeft()).contains(Duration.ofMinutes(50));
    }

    @Test
    void failuresAreCountedByCause() {
        TokenProvider throwing = provider(() -> {
            throw new IllegalStateException("no credentials here");
        });
        assertThatThrownBy(throwing::token).hasMessageContaining("Could not resolve AWS credentials");
        // Within the back-off the provider is not called again, and nothing more failed.
        assertThatThrownBy(throwing::token).isInstanceOf(SQLException.class);
        assertThat(throwing.metrics().signingFailures(SigningFailure.CREDENTIALS)).isEqualTo(1);
        assertThat(throwing.metrics().tokensSigned()).isZero();

        TokenProvider expired = provider(() -> sessionExpiringIn(Duration.ofSeconds(-1)));
        assertThatThrownBy(expired::token).hasMessageContaining("expired at");
        assertThat(expired.metrics().signingFailures(SigningFailure.EXPIRED_CREDENTIALS)).isEqualTo(1);
        assertThat(expired.metrics().signingFailures(SigningFailure.CREDENTIALS)).isZero();

        TokenProvider erring = provider(() -> {
            throw new AssertionError("a provider bug");
        });
        assertThatThrownBy(erring::token).isInstanceOf(AssertionError.class);
        assertThat(erring.metrics().signingFailures(SigningFailure.OTHER)).isEqualTo(1);
    }

    @Test
    void aCallerThatStopsWaitingCountsATimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TokenProvider hanging = provider(hangingUntil(release, "AKIAMETRICSEXAMPLE03"));
        try {
            assertThatThrownBy(() -> hanging.next(1)).hasMessageContaining("did not finish within 1 s");
            assertThat(hanging.metrics().signingFailures(SigningFailure.TIMEOUT)).isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void theCredentialsCheckResolvesWithoutConnecting() throws SQLException {
        AwsSessionCredentials session = sessionExpiringIn(Duration.ofMinutes(30));
        try (IamDataSource app = new IamDataSource(config("app").credentialsProvider(() -> session).clock(clock).build())) {
            CredentialsCheck check = app.tokenProvider().checkCredentials(Duration.ofSeconds(5));
            assertThat(check.resolved()).isTrue();
            assertThat(check.problem()).isEmpty();
            assertThat(check.expiry()).contains(session.expirationTime().get());
            assertThat(check.timeLeft()).contains(Duration.ofMinutes(30));
            assertThat(check.toString()).doesNotContain("session-secret", "session-token-value");
            assertThat(app.tokenProvider().metrics().credentialsTimeLeft()).contains(Duration.ofMinutes(30));
            assertThat(app.tokenProvider().metrics().tokensSigned()).isZero();
        }
        assertThat(db.decisions()).isEmpty();
    }

    @Test
    void theCredentialsCheckSaysWhyItFailed() throws Exception {
        TokenProvider throwing = provider(() -> {
            throw new IllegalStateException("Unable to load credentials from any of the providers in the chain");
        });
        CredentialsCheck failed = throwing.checkCredentials(Duration.ofSeconds(5));
        assertThat(failed.resolved()).isFalse();
        assertThat(failed.problem()).hasValueSatisfying(p -> assertThat(p)
                .contains("Could not resolve AWS credentials", "Unable to load credentials"));
        assertThat(failed.timeLeft()).isEmpty();
        // A check is not a signing attempt.
        assertThat(throwing.metrics().signingFailures(SigningFailure.CREDENTIALS)).isZero();

        CredentialsCheck expired = provider(() -> sessionExpiringIn(Duration.ofSeconds(-5))).checkCredentials(Duration.ofSeconds(5));
        assertThat(expired.resolved()).isFalse();
        assertThat(expired.problem()).hasValueSatisfying(p -> assertThat(p).contains("expired at"));

        CountDownLatch release = new CountDownLatch(1);
        TokenProvider hanging = provider(hangingUntil(release, "AKIAMETRICSEXAMPLE03"));
        try {
            CredentialsCheck slow = hanging.checkCredentials(Duration.ofMillis(50));
            assertThat(slow.resolved()).isFalse();
            assertThat(slow.problem()).hasValueSatisfying(p -> assertThat(p).contains("did not finish within 50 ms"));
        } finally {
            release.countDown();
        }

        TokenProvider closed = provider(() -> AwsBasicCredentials.create("AKIAMETRICSEXAMPLE04", "secret"));
        closed.close();
        assertThat(closed.checkCredentials(Duration.ofSeconds(5)).problem()).hasValueSatisfying(p -> assertThat(p).contains("closed"));
    }

    @Test
    void asyncChecksDoNotWaitForEachOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TokenProvider hanging = provider(hangingUntil(release, "AKIAMETRICSEXAMPLE05"));
        TokenProvider quick = provider(() -> AwsBasicCredentials.create("AKIAMETRICSEXAMPLE06", "secret"));
        try {
            CompletableFuture<CredentialsCheck> waiting = hanging.checkCredentialsAsync(Duration.ofSeconds(30));
            // Started after the hung one, answered while it still hangs: a health check of both waits for the slowest.
            assertThat(quick.checkCredentialsAsync(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS).resolved()).isTrue();
            assertThat(waiting).isNotDone();

            release.countDown();
            assertThat(waiting.get(30, TimeUnit.SECONDS).resolved()).isTrue();
        } finally {
            release.countDown();
            hanging.close();
            quick.close();
        }
    }

    @Test
    void anAsyncCheckThatTimesOutCompletesWithAFailedCheckNotAnException() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TokenProvider hanging = provider(hangingUntil(release, "AKIAMETRICSEXAMPLE07"));
        try {
            CredentialsCheck check = hanging.checkCredentialsAsync(Duration.ofMillis(50)).get(30, TimeUnit.SECONDS);
            assertThat(check.resolved()).isFalse();
            assertThat(check.problem()).hasValueSatisfying(p -> assertThat(p).contains("did not finish within 50 ms"));
        } finally {
            release.countDown();
            hanging.close();
        }
    }

    /** Credentials that answer only once {@code release} is counted down: a source that hangs. */
    private static AwsCredentialsProvider hangingUntil(CountDownLatch release, String accessKeyId) {
        return () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return AwsBasicCredentials.create(accessKeyId, "secret");
        };
    }

    /** OPS's credentials, named in URLs by class. */
    public static final class OpsCredentials implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(OPS.accessKeyId(), OPS.secretAccessKey());
        }
    }
}
