package dev.iamdb;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a configuration's credentials could be resolved just now, and for how long they stay valid: the answer of
 * {@link TokenProvider#checkCredentials(Duration)}, for a health check. No database connection is involved, so it says
 * nothing about the IAM policy or the database role; {@link TokenMetrics#loginsRejected()} counts those failures.
 * Holds no secret: neither the credentials nor a token.
 */
public final class CredentialsCheck {
    private final boolean resolved;
    private final String source;
    private final Instant expiry;
    private final Duration timeLeft;
    private final String problem;

    private CredentialsCheck(boolean resolved, String source, Instant expiry, Duration timeLeft, String problem) {
        this.resolved = resolved;
        this.source = source;
        this.expiry = expiry;
        this.timeLeft = timeLeft;
        this.problem = problem;
    }

    static CredentialsCheck resolved(String source, Instant expiry, Instant now) {
        return new CredentialsCheck(true, source, expiry, expiry == null ? null : Duration.between(now, expiry), null);
    }

    static CredentialsCheck failed(String source, String problem) {
        return new CredentialsCheck(false, source, null, null, problem);
    }

    /** True when the credentials provider returned credentials that had not expired. */
    public boolean resolved() {
        return resolved;
    }

    /** Where the credentials come from, as the configuration names it ({@code default chain}, {@code profile dev}, …). */
    public String source() {
        return source;
    }

    /** When the resolved credentials expire; empty for long-term credentials and when none were resolved. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** How long the resolved credentials stay valid by the configuration's clock; empty when {@link #expiry()} is. */
    public Optional<Duration> timeLeft() {
        return Optional.ofNullable(timeLeft);
    }

    /** Why the credentials could not be resolved, with what to check; empty when {@link #resolved()}. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public String toString() {
        if (!resolved) {
            return "CredentialsCheck[not resolved from " + source + ": " + problem + "]";
        }
        return "CredentialsCheck[resolved from " + source + (expiry == null ? ", long-term" : ", expire at " + expiry) + "]";
    }
}
