package dev.iamdb.examples;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real time plus the time the demo skipped. The local server and the demo's own iamdb configurations share
 * it, so skipping 16 minutes makes cached tokens stale for both without waiting. It runs with real time
 * (unlike the testkit's {@code ManualClock}, which stands still) because the Hibernate, MyBatis and
 * {@code jdbc:iamdb:} examples sign with the system clock: their configuration files cannot name a clock.
 */
final class FastForwardClock extends Clock {
    private final AtomicReference<Duration> skipped;
    private final ZoneId zone;

    FastForwardClock() {
        this(new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
    }

    private FastForwardClock(AtomicReference<Duration> skipped, ZoneId zone) {
        this.skipped = skipped;
        this.zone = zone;
    }

    void fastForward(Duration amount) {
        skipped.updateAndGet(d -> d.plus(amount));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(skipped.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new FastForwardClock(skipped, zone);
    }
}
