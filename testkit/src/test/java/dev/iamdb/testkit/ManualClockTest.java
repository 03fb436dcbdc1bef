package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void aStandingClockMovesOnlyWhenTold() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        ManualClock clock = new ManualClock(start);
        assertThat(clock.instant()).isEqualTo(start);
        clock.advance(Duration.ofMinutes(16));
        assertThat(clock.instant()).isEqualTo(start.plus(Duration.ofMinutes(16)));
        clock.set(start);
        assertThat(clock.withZone(java.time.ZoneId.of("Europe/Paris")).instant()).isEqualTo(start);
    }

    @Test
    void aRunningClockIsRealTimePlusEveryMove() {
        ManualClock clock = ManualClock.runningFromNow();
        Instant before = Instant.now();
        clock.advance(Duration.ofMinutes(16));
        Instant read = clock.instant();
        Instant after = Instant.now();
        assertThat(read).isBetween(before.plus(Duration.ofMinutes(16)), after.plus(Duration.ofMinutes(16)));
    }
}
