package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** Session credentials that have expired, or expire within the safety margin (issue #14). */
class CredentialsExpiryTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(NOW);
    private final AtomicInteger resolutions = new AtomicInteger();
    private final List<TokenProvider> providers = new ArrayList<>();

    @AfterEach
    void close() {
        providers.forEach(TokenProvider::close);
    }

    /** {@code credentials} gets the number of the resolution, from 1. */
    private TokenProvider provider(IntFunction<AwsCredentials> credentials) {
        TokenProvider p = new TokenProvider(IamConfig.builder().host(HOST).property("user", "admin").clock(clock)
                .credentialsProvider(() -> credentials.apply(resolutions.incrementAndGet())).build());
        providers.add(p);
        return p;
    }

    private static AwsCredentials session(String keyId, Instant expires) {
        return AwsSessionCredentials.builder().accessKeyId(keyId).secretAccessKey("fake-secret-key")
                .sessionToken("fake-session-token").expirationTime(expires).build();
    }

    @Test
    void expiredCredentialsAreResolvedOnceMoreBeforeSigning() throws SQLException {
        TokenProvider tokens = provider(n -> n == 1 ? session("ASIAOLD", NOW.minusSeconds(60)) : session("ASIANEW", NOW.plusSeconds(3600)));
        assertThat(tokens.token()).contains("X-Amz-Credential=ASIANEW");
        assertThat(resolutions).hasValue(2);
    }

    @Test
    void credentialsThatStayExpiredFailWithoutShowingSecrets() {
        TokenProvider tokens = provider(n -> session("ASIAOLD", NOW.minusSeconds(60)));
        assertThatThrownBy(tokens::token)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("credentials from the supplied credentials provider")
                .hasMessageContaining("expired at 2025-12-31T23:59:00Z")
                .message().doesNotContain("fake-secret-key").doesNotContain("fake-session-token");
        assertThat(resolutions).hasValue(2);
    }

    @Test
    void credentialsExpiringAtThisInstantCountAsExpired() {
        TokenProvider tokens = provider(n -> session("ASIAOLD", NOW));
        assertThatThrownBy(tokens::token).hasMessageContaining("expired at 2026-01-01T00:00:00Z");
    }

    /**
     * Credentials with less life left than the safety margin (30 s) still sign a usable token, but one
     * that is reused for half the time they have left rather than signed again for every connection.
     */
    @Test
    void credentialsExpiringWithinTheSafetyMarginDoNotMakeEveryConnectionSign() throws SQLException {
        TokenProvider tokens = provider(n -> session("ASIASHORT", NOW.plusSeconds(10)));
        String first = tokens.token();
        for (int i = 0; i < 50; i++) {
            assertThat(tokens.token()).isEqualTo(first);
        }
        clock.advance(Duration.ofMillis(3_999)); // refresh-ahead at 80% of the 5 s reuse
        assertThat(tokens.token()).isEqualTo(first);
        assertThat(tokens.tokensSigned()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1_001)); // half of the 10 s the credentials had
        assertThat(tokens.token()).isNotEqualTo(first);
        assertThat(tokens.tokensSigned()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(5)); // now they have expired: one more resolution, then a clear failure
        assertThatThrownBy(tokens::token).hasMessageContaining("expired at 2026-01-01T00:00:10Z");
    }
}
