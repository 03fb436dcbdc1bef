package dev.iamdb.testkit;

import java.time.Clock;

/**
 * Aurora DSQL's quota on new connections per second, counted in whole-second windows of the gateway's clock, so that a
 * test with a {@link ManualClock} decides when a window ends instead of waiting for it.
 */
final class ConnectionRateLimiter {
    /** DSQL's SQLSTATE for a refused connection over its rate quota (53300 is the count quota). */
    static final String RATE_EXCEEDED = "53400";

    private final int perSecond;
    private final Clock clock;
    private long window = Long.MIN_VALUE;
    private int used;

    ConnectionRateLimiter(int perSecond, Clock clock) {
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Counts one login if the current second has room for it. */
    synchronized boolean tryAcquire() {
        long second = Math.floorDiv(clock.millis(), 1000);
        if (second != window) {
            window = second;
            used = 0;
        }
        if (used == perSecond) {
            return false;
        }
        used++;
        return true;
    }

    /** What the refused client reads. */
    String refusal() {
        return "too many connection attempts: the connection rate limit of " + perSecond
                + " new connections per second is exceeded; retry with backoff";
    }
}
