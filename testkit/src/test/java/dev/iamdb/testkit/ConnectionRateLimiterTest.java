package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-second windows come from the clock, so a test ends a second by moving it. */
class ConnectionRateLimiterTest {

    @Test
    void admitsTheLimitPerSecondOfTheClock() {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00.900Z"));
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(2, clock);

        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(99));
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }
}
