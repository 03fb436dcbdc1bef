package dev.iamdb;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently {@link TransactionRetry} runs a transaction again: at most {@link #maxRetries()} more
 * times, pausing {@link #initialBackoff()} before the first retry and {@link #multiplier()} times longer before each
 * next one, never more than {@link #maxBackoff()}, each pause moved at random by up to {@link #jitter()} of itself so
 * that clients that conflicted once do not meet again. Immutable; every {@code with…} method returns a new policy.
 *
 * <p>The defaults follow the AWS Aurora DSQL connectors: 3 retries, 100 ms growing ×2 up to 5 s, jitter 0.25.
 */
public final class RetryPolicy {
    /** Far beyond any useful pause, and well inside what {@link Duration#toNanos()} can hold. */
    private static final Duration LONGEST = Duration.ofHours(1);
    private static final RetryPolicy DEFAULTS = new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5), 0.25);

    private final int maxRetries;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;

    private RetryPolicy(int maxRetries, Duration initialBackoff, double multiplier, Duration maxBackoff, double jitter) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries: " + maxRetries + " must be 0 or more");
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " must not be negative");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier: " + multiplier + " must be a finite number of at least 1");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("initialBackoff " + initialBackoff + " is longer than maxBackoff " + maxBackoff
                    + ": the first pause must not exceed the longest; raise maxBackoff first (withMaxBackoff), then initialBackoff.");
        }
        if (maxBackoff.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " must be at most " + LONGEST
                    + ": a pause is to let a conflicting transaction finish, not to wait for hours.");
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter: " + jitter + " must be from 0 to 1");
        }
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.multiplier = multiplier;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
    }

    /** 3 retries, 100 ms growing ×2 up to 5 s, jitter 0.25. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** How many times a transaction runs again after its first attempt; 0 never retries. */
    public int maxRetries() {
        return maxRetries;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The fraction (0 to 1) by which a pause may be shorter or longer than the exponential one. */
    public double jitter() {
        return jitter;
    }

    public RetryPolicy withMaxRetries(int maxRetries) {
        return new RetryPolicy(maxRetries, initialBackoff, multiplier, maxBackoff, jitter);
    }

    public RetryPolicy withInitialBackoff(Duration initialBackoff) {
        return new RetryPolicy(maxRetries, Objects.requireNonNull(initialBackoff, "initialBackoff"), multiplier, maxBackoff, jitter);
    }

    public RetryPolicy withMultiplier(double multiplier) {
        return new RetryPolicy(maxRetries, initialBackoff, multiplier, maxBackoff, jitter);
    }

    public RetryPolicy withMaxBackoff(Duration maxBackoff) {
        return new RetryPolicy(maxRetries, initialBackoff, multiplier, Objects.requireNonNull(maxBackoff, "maxBackoff"), jitter);
    }

    public RetryPolicy withJitter(double jitter) {
        return new RetryPolicy(maxRetries, initialBackoff, multiplier, maxBackoff, jitter);
    }

    /**
     * The pause before retry number {@code retry} (1 for the first): {@code min(maxBackoff, initialBackoff ×
     * multiplier^(retry-1))}, scaled by a factor from {@code 1 - jitter} to {@code 1 + jitter} chosen by {@code random}.
     *
     * @param random a number from 0 (inclusive) to 1 (exclusive); 0.5 gives the pause without jitter
     */
    public Duration backoff(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry: " + retry + " must be 1 or more");
        }
        double exponential = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        double capped = Math.min(maxBackoff.toNanos(), exponential);
        // A custom random source outside [0, 1) must not make a pause negative.
        double r = Math.min(1.0, Math.max(0.0, random));
        return Duration.ofNanos(Math.round(capped * (1 + jitter * (2 * r - 1))));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && p.maxRetries == maxRetries && p.initialBackoff.equals(initialBackoff)
                && p.multiplier == multiplier && p.maxBackoff.equals(maxBackoff) && p.jitter == jitter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRetries, initialBackoff, multiplier, maxBackoff, jitter);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff.toMillis() + "ms, multiplier="
                + multiplier + ", maxBackoff=" + maxBackoff.toMillis() + "ms, jitter=" + jitter + "]";
    }
}
