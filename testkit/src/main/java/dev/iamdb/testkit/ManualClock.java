package dev.iamdb.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves when told to, so tests can make tokens expire (or not yet be valid) without sleeping.
 * It stands still between moves, or, made with {@link #runningFromNow()}, runs with real time plus every move.
 * Thread-safe: the gateway reads it while the test moves it.
 */
public final class ManualClock extends Clock {

    private final Clock base;
    private final AtomicReference<Duration> moved;
    private final ZoneId zone;

    /** A clock standing at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(Clock.fixed(start, ZoneOffset.UTC), new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
    }

    /** A clock standing at the current system time, in UTC. */
    public ManualClock() {
        this(Instant.now());
    }

    /**
     * A clock that runs with the system clock, ahead of it by what {@link #advance} added: for code that
     * reads a clock it cannot be handed (a framework's configuration file) while a test or demo skips time.
     */
    public static ManualClock runningFromNow() {
        return new ManualClock(Clock.systemUTC(), new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
    }

    private ManualClock(Clock base, AtomicReference<Duration> moved, ZoneId zone) {
        this.base = base;
        this.moved = moved;
        this.zone = zone;
    }

    /** Moves the clock to {@code instant} (backwards too). */
    public void set(Instant instant) {
        java.util.Objects.requireNonNull(instant, "instant");
        moved.set(Duration.between(base.instant(), instant));
    }

    /** Moves the clock by {@code amount} (may be negative). */
    public void advance(Duration amount) {
        moved.updateAndGet(d -> d.plus(amount));
    }

    @Override
    public Instant instant() {
        return base.instant().plus(moved.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's time. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ManualClock(base, moved, zone);
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + "]";
    }
}
