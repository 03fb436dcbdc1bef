package dev.iamdb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one {@link TokenProvider} has done so far, for metrics: tokens signed and reused, logins the server rejected,
 * signing failures by cause, time spent resolving credentials and signing (count and total), and when the credentials
 * last resolved expire.
 * Every configuration has one, reached through {@link TokenProvider#metrics()}; {@link TokenProviders} lists the live
 * providers, including those the {@code jdbc:iamdb:} driver creates.
 *
 * <p>A live view: each call reads the current values. Counters only grow while the provider lives. Reading is cheap
 * and thread-safe, and recording costs the connection path at most one {@link LongAdder} increment, so a metrics
 * library may poll it as often as it likes. The tags identify the configuration without anything secret.
 */
public final class TokenMetrics {
    /** Why an attempt to resolve credentials and sign a token failed. */
    public enum SigningFailure {
        /** The credentials provider threw: no credentials, an expired SSO login, STS unreachable, … */
        CREDENTIALS,
        /** The credentials provider returned credentials that had already expired, twice in a row. */
        EXPIRED_CREDENTIALS,
        /** Credentials were resolved but signing the token failed. */
        SIGNING,
        /** A caller stopped waiting for credentials and signing when its login timeout passed. */
        TIMEOUT,
        /** Anything else the attempt threw, such as an {@link Error}. */
        OTHER
    }

    private final String service;
    private final String endpoint;
    private final String user;
    private final Clock clock;
    private final LongAdder signed = new LongAdder();
    /** Incremented by {@link TokenProvider} directly on a cache hit. */
    final LongAdder reused = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final Map<SigningFailure, LongAdder> failures = new EnumMap<>(SigningFailure.class);
    private final LongAdder signingNanos = new LongAdder();
    private volatile Instant credentialsExpiry;

    TokenMetrics(IamConfig config) {
        this.service = config.service().propertyValue();
        this.endpoint = config.signedHost();
        this.user = config.user();
        this.clock = config.clock();
        for (SigningFailure cause : SigningFailure.values()) {
            failures.put(cause, new LongAdder());
        }
    }

    /** The service tokens are signed for: {@code dsql} or {@code rds}, as the {@code iamService} setting names them. */
    public String service() {
        return service;
    }

    /** The host name tokens are signed for (the cluster or instance endpoint, also when connecting through a tunnel). */
    public String endpoint() {
        return endpoint;
    }

    /** The database user tokens are signed for. */
    public String user() {
        return user;
    }

    /** Tokens signed, each after resolving credentials. */
    public long tokensSigned() {
        return signed.sum();
    }

    /** Times a cached token was handed out instead of signing one. */
    public long tokensReused() {
        return reused.sum();
    }

    /** Logins the database refused with a token from this provider (an IAM policy, role grant, host or clock problem). */
    public long loginsRejected() {
        return rejected.sum();
    }

    /** Attempts to resolve credentials and sign that failed with {@code cause}. */
    public long signingFailures(SigningFailure cause) {
        return failures.get(cause).sum();
    }

    /** Total time of the successful signings ({@link #tokensSigned()} of them), credentials resolution included. */
    public Duration signingTime() {
        return Duration.ofNanos(signingNanos.sum());
    }

    /**
     * When the credentials last resolved for this configuration expire; empty before the first resolution and for
     * long-term credentials (an access key without a session), which do not expire.
     */
    public Optional<Instant> credentialsExpiry() {
        return Optional.ofNullable(credentialsExpiry);
    }

    /** How long until {@link #credentialsExpiry()} by the configuration's clock; negative once they have expired. */
    public Optional<Duration> credentialsTimeLeft() {
        Instant expiry = credentialsExpiry;
        return expiry == null ? Optional.empty() : Optional.of(Duration.between(clock.instant(), expiry));
    }

    void signed(long nanos) {
        signed.increment();
        signingNanos.add(nanos);
    }

    void loginRejected() {
        rejected.increment();
    }

    void failed(SigningFailure cause) {
        failures.get(cause).increment();
    }

    void credentialsExpire(Instant expiry) {
        credentialsExpiry = expiry;
    }

    @Override
    public String toString() {
        return "TokenMetrics[" + service + ", " + endpoint + ", user " + user + ": " + tokensSigned() + " signed, "
                + tokensReused() + " reused, " + loginsRejected() + " rejected]";
    }
}
