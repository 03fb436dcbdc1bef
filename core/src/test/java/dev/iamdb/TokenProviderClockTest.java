package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Reuse follows elapsed time, not the wall clock; signing follows the wall clock and its whole seconds (issue #14). */
class TokenProviderClockTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final Pattern DATE = Pattern.compile("X-Amz-Date=(\\d{8}T\\d{6}Z)");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicLong nanos = new AtomicLong(42);
    private final AtomicInteger resolutions = new AtomicInteger();
    private final List<TokenProvider> providers = new ArrayList<>();

    @AfterEach
    void close() {
        providers.forEach(TokenProvider::close);
    }

    private TokenProvider provider(AwsCredentialsProvider credentials, boolean ownMonotonicClock, String... settings) {
        IamConfig.Builder b = IamConfig.builder().host(HOST).property("user", "admin").clock(clock).credentialsProvider(() -> {
            resolutions.incrementAndGet();
            return credentials.resolveCredentials();
        });
        for (int i = 0; i < settings.length; i += 2) {
            b.property(settings[i], settings[i + 1]);
        }
        TokenProvider p = ownMonotonicClock ? new TokenProvider(b.build(), nanos::get) : new TokenProvider(b.build());
        providers.add(p);
        return p;
    }

    private TokenProvider provider(String... settings) {
        return provider(() -> AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret"), true, settings);
    }

    /** Time passes: both clocks move. */
    private void elapse(Duration d) {
        nanos.addAndGet(d.toNanos());
        clock.advance(d);
    }

    @Test
    void aWallClockSteppedBackDoesNotExtendReuse() throws SQLException {
        TokenProvider tokens = provider();
        String first = tokens.token();
        clock.advance(Duration.ofHours(-1));
        elapse(Duration.ofSeconds(695));
        assertThat(tokens.token()).isEqualTo(first);
        elapse(Duration.ofSeconds(1)); // 80% of the 870 s of reuse have passed, whatever the wall clock says
        String second = tokens.token();
        assertThat(second).isNotEqualTo(first).contains("X-Amz-Date=20251231T231136Z"); // dated by the wall clock
    }

    @Test
    void aWallClockSteppedForwardDoesNotEndReuse() throws SQLException {
        TokenProvider tokens = provider();
        String first = tokens.token();
        clock.advance(Duration.ofHours(1));
        elapse(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo(first);
        assertThat(tokens.tokensSigned()).isEqualTo(1);
    }

    @Test
    void backOffFollowsElapsedTimeToo() throws SQLException {
        TokenProvider tokens = provider(() -> {
            throw new IllegalStateException("no credentials");
        }, true);
        assertThatThrownBy(tokens::token).hasMessageContaining("no credentials");
        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(tokens::token).hasMessageContaining("tries again after");
        elapse(Duration.ofSeconds(1));
        assertThatThrownBy(tokens::token).hasMessageNotContaining("tries again after");
        assertThat(resolutions).hasValue(2);
    }

    @Test
    void anApplicationsOwnClockAlsoGovernsReuse() throws SQLException {
        // IamConfig.Builder.clock documents that tokens are cached by that clock: tests and demos move it.
        TokenProvider tokens = provider(() -> AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret"), false);
        String first = tokens.token();
        clock.advance(Duration.ofSeconds(870));
        assertThat(tokens.token()).isNotEqualTo(first);
    }

    /** The token expires a lifetime after the whole second it carries, not after the instant it was signed. */
    @Test
    void reuseEndsRelativeToTheTruncatedSigningSecond() throws SQLException {
        clock.set(Instant.parse("2026-01-01T00:00:00.900Z"));
        AtomicInteger calls = new AtomicInteger();
        TokenProvider tokens = provider(() -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("STS unavailable");
            }
            return AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret");
        }, true, "iamTokenLifetime", "60", "iamExpiration", "60");
        String first = tokens.token(); // expires 00:01:00; reuse ends 6 s (a tenth) earlier: 00:00:54
        elapse(Duration.ofMillis(53_000));
        assertThat(tokens.token()).isEqualTo(first); // the refresh failed; the token is still good
        elapse(Duration.ofMillis(200)); // 00:00:54.100: 53.2 s after signing, past 00:00:54
        assertThatThrownBy(tokens::token).isInstanceOf(SQLException.class).hasMessageContaining("STS unavailable");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 450, 999})
    void everyHandedOutTokenHasAtLeastTheSafetyMarginLeft(int startMillis) throws SQLException {
        clock.set(Instant.parse("2026-01-01T00:00:00Z").plusMillis(startMillis));
        TokenProvider tokens = provider("iamTokenLifetime", "60", "iamExpiration", "60");
        for (int step = 0; step < 400; step++) {
            String token = tokens.token();
            Matcher m = DATE.matcher(token);
            assertThat(m.find()).isTrue();
            Instant expires = LocalDateTime.parse(m.group(1), AMZ_DATE).toInstant(ZoneOffset.UTC).plusSeconds(60);
            assertThat(Duration.between(clock.instant(), expires)).as("at %s", clock.instant())
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
            elapse(Duration.ofMillis(777));
        }
    }

    @Test
    void tokenLifetimesTooShortForWholeSecondSigningAreRejected() {
        IamConfig.Builder b = IamConfig.builder().host(HOST).property("user", "admin").property("iamTokenLifetime", "59");
        assertThatThrownBy(b::build).isInstanceOf(IamConfigException.class)
                .hasMessage("Invalid value '59' for property iamTokenLifetime: expected a whole number from 60 to 604800.");
        assertThat(IamConfig.builder().host(HOST).property("user", "admin").property("iamTokenLifetime", "60").build()
                .tokenLifetime()).isEqualTo(Duration.ofSeconds(60));
    }
}
