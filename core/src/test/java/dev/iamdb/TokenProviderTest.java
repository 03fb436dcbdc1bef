package dev.iamdb;

import static dev.iamdb.testing.Latches.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class TokenProviderTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final int THREADS = 64;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger resolutions = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Credentials that count how often a token is signed (one resolution per signing). */
    private AwsCredentialsProvider counting(Supplier<AwsCredentials> credentials) {
        return () -> {
            resolutions.incrementAndGet();
            return credentials.get();
        };
    }

    private TokenProvider provider(AwsCredentialsProvider credentials, String... settings) {
        IamConfig.Builder b = IamConfig.builder().host(HOST).property("user", "admin").clock(clock).credentialsProvider(credentials);
        for (int i = 0; i < settings.length; i += 2) {
            b.property(settings[i], settings[i + 1]);
        }
        return new TokenProvider(b.build());
    }

    private TokenProvider provider(String... settings) {
        return provider(counting(() -> AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), settings);
    }

    @Test
    void reusesTheTokenUntilTheRefreshPoint() throws SQLException {
        TokenProvider tokens = provider("iamExpiration", "600");
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(479));
        assertThat(tokens.token()).isEqualTo(first);
        assertThat(tokens.tokensSigned()).isEqualTo(1);
        assertThat(tokens.tokensReused()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1)); // 80% of 600 s: refresh ahead
        String second = tokens.token();
        assertThat(second).isNotEqualTo(first).contains("X-Amz-Date=20260101T000800Z");
        assertThat(tokens.tokensSigned()).isEqualTo(2);
    }

    @Test
    void neverHandsOutATokenPastItsReuseWindow() throws SQLException {
        TokenProvider tokens = provider();
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(871)); // default reuse for DSQL: 900 s lifetime minus 30 s
        assertThat(tokens.token()).isNotEqualTo(first).contains("X-Amz-Date=20260101T001431Z");
    }

    @Test
    void shortLifetimesKeepASafetyMargin() throws SQLException {
        TokenProvider tokens = provider("iamTokenLifetime", "60", "iamExpiration", "60");
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(54)); // reuse ends 6 s (10% of the lifetime) before expiry
        assertThat(tokens.token()).isNotEqualTo(first);
    }

    @Test
    void zeroExpirationSignsForEveryConnection() throws SQLException {
        TokenProvider tokens = provider("iamExpiration", "0");
        tokens.token();
        tokens.token();
        assertThat(resolutions).hasValue(2);
        assertThat(tokens.tokensReused()).isZero();
    }

    @Test
    void sessionCredentialsExpiryBoundsReuse() throws SQLException {
        Instant credentialsExpire = clock.instant().plus(Duration.ofMinutes(5));
        TokenProvider tokens = provider(counting(() -> AwsSessionCredentials.builder().accessKeyId("ASIAEXAMPLE")
                .secretAccessKey("secret").sessionToken("session").expirationTime(credentialsExpire).build()));
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(215)); // refresh point: 80% of the 270 s left before 30 s ahead of expiry
        assertThat(tokens.token()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(56));
        assertThat(tokens.token()).isNotEqualTo(first).contains("X-Amz-Date=20260101T000431Z");
        assertThat(resolutions).hasValue(2);
    }

    @Test
    void failureIsReportedAndNotRemembered() throws SQLException {
        AtomicInteger calls = new AtomicInteger();
        TokenProvider tokens = provider(counting(() -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("Unable to load credentials from any of the providers in the chain");
            }
            return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
        }));
        assertThatThrownBy(tokens::token)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Could not resolve AWS credentials from the supplied credentials provider")
                .hasMessageContaining("aws sts get-caller-identity")
                .hasRootCauseMessage("Unable to load credentials from any of the providers in the chain");
        clock.advance(TokenProvider.FIRST_BACKOFF); // the failure holds off the next attempt only this long
        assertThat(tokens.token()).startsWith(HOST + "/?Action=DbConnectAdmin");
    }

    @Test
    void aFailedRefreshKeepsTheValidToken() throws SQLException {
        AtomicInteger calls = new AtomicInteger();
        TokenProvider tokens = provider(counting(() -> {
            if (calls.getAndIncrement() == 1) {
                throw new IllegalStateException("STS unavailable");
            }
            return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
        }));
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(700)); // past the refresh point, before the end of reuse
        assertThat(tokens.token()).isEqualTo(first);
        clock.advance(TokenProvider.FIRST_BACKOFF);
        assertThat(tokens.token()).isNotEqualTo(first); // the next caller after the back-off refreshes successfully
    }

    @Test
    void invalidatedTokenIsNotReused() throws SQLException {
        TokenProvider tokens = provider();
        String first = tokens.token();
        tokens.invalidate("some other token");
        assertThat(tokens.token()).isEqualTo(first);
        tokens.invalidate(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isNotEqualTo(first);
        assertThat(tokens.tokensSigned()).isEqualTo(2);
    }

    @Test
    void sixtyFourCallersAtTheRefreshPointCauseExactlyOneSigning() throws Exception {
        CountDownLatch othersServed = new CountDownLatch(THREADS - 1);
        TokenProvider tokens = provider(counting(() -> {
            if (resolutions.get() > 1) {
                // The refresh finishes only after every other caller has been served: nobody waits for it.
                awaitQuietly(othersServed, Duration.ofSeconds(10), "callers did not arrive");
            }
            return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
        }));
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(700));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                String t = tokens.token();
                if (t.equals(first)) {
                    othersServed.countDown();
                }
                return t;
            }));
        }
        start.countDown();
        List<String> seen = new ArrayList<>();
        for (Future<String> f : futures) {
            seen.add(f.get(20, TimeUnit.SECONDS));
        }
        assertThat(resolutions).hasValue(2);
        assertThat(seen.stream().filter(first::equals).count()).isEqualTo(THREADS - 1);
        assertThat(seen.stream().filter(t -> !t.equals(first))).singleElement().asString().contains("X-Amz-Date=20260101T001140Z");
    }

    /**
     * Callers racing the end of a refresh must not refresh again: one that saw the old token just before
     * the new one was stored would otherwise sign a second time. Many rounds make a lost race show.
     */
    @Test
    void everyRefreshPointCausesExactlyOneSigningUnderContention() throws Exception {
        TokenProvider tokens = provider();
        tokens.token();
        int rounds = 200;
        for (int round = 1; round <= rounds; round++) {
            clock.advance(Duration.ofSeconds(700)); // past the refresh point, before the end of reuse
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int call = 0; call < 20; call++) {
                        tokens.token();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(20, TimeUnit.SECONDS);
            }
            assertThat(tokens.tokensSigned()).as("signings after round %d", round).isEqualTo(1 + round);
        }
    }

    @Test
    void sixtyFourColdCallersShareOneSigning() throws Exception {
        CountDownLatch allArrived = new CountDownLatch(THREADS);
        TokenProvider tokens = provider(counting(() -> {
            // Keep the first signing in flight until every caller has asked.
            awaitQuietly(allArrived, Duration.ofSeconds(10), "callers did not arrive");
            return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
        }));
        List<String> seen = callConcurrently(tokens, allArrived);
        assertThat(resolutions).hasValue(1);
        assertThat(seen).hasSize(THREADS).containsOnly(seen.get(0));
    }

    @Test
    void coldCallersWaitingOnAFailedSigningAllSeeTheFailure() throws Exception {
        CountDownLatch allArrived = new CountDownLatch(THREADS);
        TokenProvider tokens = provider(counting(() -> {
            awaitQuietly(allArrived, Duration.ofSeconds(10), "callers did not arrive");
            throw new IllegalStateException("no credentials");
        }));
        List<Future<String>> results = submitAll(tokens, allArrived);
        int failures = 0;
        for (Future<String> f : results) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(SQLException.class).hasMessageContaining("no credentials");
                failures++;
            }
        }
        assertThat(failures).isEqualTo(THREADS);
        // Callers already waiting share the failed attempt; one arriving after it ended tries again, as it should.
        assertThat(resolutions.get()).isLessThan(THREADS / 4);
    }

    @Test
    void tokensNeverAppearInToString() throws SQLException {
        TokenProvider tokens = provider();
        String token = tokens.token();
        assertThat(tokens.toString()).doesNotContain(token).doesNotContain("X-Amz-Signature");
        assertThat(tokens.next().toString()).doesNotContain("X-Amz");
    }

    private List<String> callConcurrently(TokenProvider tokens, CountDownLatch arrived) throws Exception {
        List<String> seen = new ArrayList<>();
        for (Future<String> f : submitAll(tokens, arrived)) {
            seen.add(f.get(10, TimeUnit.SECONDS));
        }
        return seen;
    }

    private List<Future<String>> submitAll(TokenProvider tokens, CountDownLatch arrived) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                arrived.countDown();
                return tokens.token();
            }));
        }
        start.countDown();
        return futures;
    }
}
