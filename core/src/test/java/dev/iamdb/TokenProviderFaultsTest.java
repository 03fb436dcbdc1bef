package dev.iamdb;

import static dev.iamdb.testing.Latches.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Credentials providers that throw Errors, hang or keep failing (issue #14). */
class TokenProviderFaultsTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final int THREADS = 8;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        pool.shutdownNow();
        for (AutoCloseable c : closeMe) {
            c.close();
        }
    }

    private IamConfig config(AwsCredentialsProvider credentials) {
        return IamConfig.builder().url("jdbc:postgresql://" + HOST + ":5432/postgres").property("user", "admin")
                .clock(clock).credentialsProvider(credentials).build();
    }

    private TokenProvider provider(AwsCredentialsProvider credentials) {
        TokenProvider tokens = new TokenProvider(config(credentials));
        closeMe.add(tokens);
        return tokens;
    }

    @Test
    void anErrorFromTheCredentialsProviderEndsEveryCallersWait() throws Exception {
        CountDownLatch arrived = new CountDownLatch(THREADS);
        TokenProvider tokens = provider(() -> {
            calls.incrementAndGet();
            awaitQuietly(arrived, Duration.ofSeconds(30), "not released");
            throw new NoSuchMethodError("software.amazon.awssdk.Example.missing()");
        });
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
        int errors = 0;
        for (Future<String> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NoSuchMethodError) {
                    errors++; // the caller whose attempt it was gets the Error itself
                } else {
                    assertThat(e.getCause()).isInstanceOf(SQLException.class).hasCauseInstanceOf(NoSuchMethodError.class);
                }
            }
        }
        assertThat(errors).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aHangingCredentialsProviderFailsGetConnectionWithinTheLoginTimeout() throws Exception {
        IamDataSource ds = new IamDataSource(config(() -> {
            calls.incrementAndGet();
            awaitQuietly(release, Duration.ofSeconds(30), "not released");
            return AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret");
        }));
        closeMe.add(ds);
        ds.setLoginTimeout(1);
        Future<?> attempt = pool.submit(() -> ds.getConnection());
        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(SQLTimeoutException.class)
                .hasMessageContaining("did not finish within 1 s")
                .hasMessageContaining("the supplied credentials provider");
        // The hung attempt is not started again for every caller: the next one fails at once.
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("tries again after");
        assertThat(calls).hasValue(1);

        // Past the back-off a new attempt waits its turn behind the hung call and times out too: the back-off grows.
        clock.advance(Duration.ofSeconds(1));
        Future<?> next = pool.submit(() -> ds.getConnection());
        assertThatThrownBy(() -> next.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(SQLTimeoutException.class);
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("(in 2 s)");
    }

    @Test
    void aFailingProviderIsCalledAgainOnlyAfterABackOffThatGrows() throws SQLException {
        TokenProvider tokens = provider(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("The security token included in the request is expired");
        });
        assertThatThrownBy(tokens::token).hasMessageContaining("security token included in the request is expired");
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(tokens::token)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("security token included in the request is expired")
                    .hasMessageContaining("tries again after 2026-01-01T00:00:01Z (in 1 s)");
        }
        assertThat(calls).hasValue(1);

        long[] waits = {1, 2, 4, 8, 16, 30, 30};
        for (long wait : waits) {
            clock.advance(Duration.ofSeconds(wait).minusMillis(1));
            assertThatThrownBy(tokens::token).hasMessageContaining("tries again after");
            int before = calls.get();
            clock.advance(Duration.ofMillis(1));
            assertThatThrownBy(tokens::token).hasMessageContaining("security token included in the request is expired");
            assertThat(calls).as("after waiting %d s", wait).hasValue(before + 1);
        }
    }

    @Test
    void aValidTokenIsServedWhileTheProviderBacksOff() throws SQLException {
        TokenProvider tokens = provider(() -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("STS unavailable");
            }
            return AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret");
        });
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(700)); // past the refresh point, before the end of reuse (870 s)
        for (int i = 0; i < 100; i++) {
            assertThat(tokens.token()).isEqualTo(first);
        }
        assertThat(calls).hasValue(2);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo(first);
        assertThat(calls).hasValue(3);
    }

    @Test
    void aSuccessEndsTheBackOff() throws SQLException {
        TokenProvider tokens = provider(() -> {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("throttled");
            }
            return AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret");
        });
        assertThatThrownBy(tokens::token).hasMessageContaining("throttled");
        clock.advance(Duration.ofSeconds(1));
        String token = tokens.token();
        tokens.invalidate(token);
        assertThatThrownBy(tokens::token).hasMessageContaining("throttled");
        assertThatThrownBy(tokens::token).hasMessageContaining("(in 1 s)"); // not 2 s: the success reset it
    }
}
