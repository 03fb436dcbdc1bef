package dev.iamdb;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hands out IAM auth tokens for one {@link IamConfig}, signing as rarely as is safe.
 *
 * <p>A cached token is reused until the earliest of: its issue time plus {@code iamExpiration}; its
 * expiry minus a safety margin; the expiry of the session credentials that signed it, minus the same
 * margin. Issue time means the whole second written into the token, which is what the server checks.
 * Past 80% of that window the next caller signs a replacement while every other caller keeps getting
 * the still-valid token; when no valid token exists, concurrent callers wait for one shared signing
 * rather than each signing their own. Reuse is measured on a monotonic clock, so stepping the wall
 * clock neither stretches nor cuts it; the wall clock only dates what is signed.
 *
 * <p>Credentials are resolved and tokens signed on a thread of this provider, and callers wait for it
 * at most the login timeout, because a credentials provider may call the network and hang. After a
 * failure the credentials provider is left alone for a while (1 s, doubling up to 30 s): a still-valid
 * token keeps being served, and callers without one get the last failure at once.
 *
 * <p>Every provider is listed by {@link TokenProviders} while open, and counts what it does in {@link #metrics()}.
 *
 * <p>Thread-safe. A cache hit is one volatile read, one clock read and one {@link LongAdder} increment.
 */
public final class TokenProvider implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenProvider.class);
    private static final long MAX_SAFETY_MILLIS = 30_000;
    private static final int REFRESH_PERCENT = 80;
    /** The wait for credentials and signing when neither the caller nor DriverManager sets a login timeout. */
    static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 30;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final IamConfig config;
    private final Credentials credentials;
    /** The driver that created this provider, or {@code null}; see {@link IamDriver#owns}. */
    final IamDriver owner;
    /** Whether the one INFO line saying which credentials sign has been written. */
    private volatile boolean announced;
    private final TokenSigner signer;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final long lifetimeMillis;
    private final long expirationMillis;
    private final long safetyMillis;
    private final ThreadPoolExecutor worker;
    private final AtomicReference<Entry> current = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Entry>> signing = new AtomicReference<>();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final TokenMetrics metrics;
    /** The metrics' own adder, held here so that a cache hit reads no extra field to count itself. */
    private final LongAdder reused;

    /** Builds the configuration's credentials provider; close this provider to release it. */
    public TokenProvider(IamConfig config) {
        this(config, monotonicClockFor(config.clock()));
    }

    /** {@code nanoTime} measures reuse windows and back-off, as {@link System#nanoTime()} does. */
    TokenProvider(IamConfig config, LongSupplier nanoTime) {
        this(config, new Credentials(config), nanoTime, null);
    }

    /**
     * Signs with {@code credentials}, which may be shared with other providers of the same credentials source;
     * {@link #close()} releases this provider's hold on them.
     */
    static TokenProvider sharing(IamConfig config, Credentials credentials, IamDriver owner) {
        return new TokenProvider(config, credentials, monotonicClockFor(config.clock()), owner);
    }

    private TokenProvider(IamConfig config, Credentials credentials, LongSupplier nanoTime, IamDriver owner) {
        this.owner = owner;
        this.config = config;
        this.credentials = credentials;
        this.signer = new TokenSigner(config);
        this.clock = config.clock();
        this.nanoTime = nanoTime;
        this.lifetimeMillis = config.tokenLifetime().toMillis();
        this.expirationMillis = config.expiration().toMillis();
        this.safetyMillis = Math.min(MAX_SAFETY_MILLIS, lifetimeMillis / 10);
        // One thread: attempts are single-flight anyway, and a hung credentials provider must not pile up
        // threads. It ends when idle, so an unused provider holds none.
        this.worker = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "iamdb-tokens " + config.user() + "@" + config.signedHost());
            t.setDaemon(true);
            return t;
        });
        this.worker.allowCoreThreadTimeOut(true);
        this.metrics = new TokenMetrics(config);
        this.reused = metrics.reused;
        // Last, so that a listener sees a complete provider.
        TokenProviders.added(this);
    }

    /**
     * The system clock's wall time can step; System.nanoTime cannot. An application that hands iamdb its
     * own clock (a test moving a ManualClock, a demo fast-forwarding) declared it the clock tokens are
     * signed and cached by, so reuse then follows that clock.
     */
    private static LongSupplier monotonicClockFor(Clock clock) {
        if (clock.getClass() == Clock.systemUTC().getClass()) {
            return System::nanoTime;
        }
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /**
     * A token valid for at least the safety margin (up to 30 s), to be used as the password of one new
     * connection. Waits at most {@link DriverManager#getLoginTimeout()} seconds, or 30 s when that is 0.
     *
     * @throws SQLException when credentials cannot be resolved or signing fails or takes too long; the
     *     message says which
     */
    public String token() throws SQLException {
        return next(0).value();
    }

    /** How many tokens this provider has signed. */
    public long tokensSigned() {
        return metrics.tokensSigned();
    }

    /** How many times a cached token was handed out instead of signing. */
    public long tokensReused() {
        return reused.sum();
    }

    /** This provider's counters and timings, tagged with its service, endpoint and user. */
    public TokenMetrics metrics() {
        return metrics;
    }

    /**
     * Resolves the configuration's credentials now, without signing a token or opening a connection, and says whether
     * that worked and how long they stay valid: what a health check reports. Resolution runs on this provider's
     * signing thread, so it waits behind a signing in progress, and the wait ends after {@code timeout} with a
     * failed check. A failed check does not slow down signing, which keeps its own back-off.
     */
    public CredentialsCheck checkCredentials(Duration timeout) {
        CompletableFuture<AwsCredentialsIdentity> result = new CompletableFuture<>();
        CompletableFuture<CredentialsCheck> check = check(result, timeout);
        try {
            return check.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a credentials check ends with a result, not " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Done, so the worker skips the resolution if it has not started it yet.
            result.cancel(false);
            return CredentialsCheck.failed(credentials.source(), "Interrupted while resolving AWS credentials from "
                    + credentials.source());
        }
    }

    /**
     * {@link #checkCredentials(Duration)} without waiting for it: the future completes with the check, a failed one
     * after {@code timeout} at the latest, and never exceptionally. Checks of several providers started together thus
     * take as long as the slowest, not the sum. It completes on this provider's signing thread or on the JDK's timer
     * thread: give anything longer than a few statements to the {@code *Async} methods of the future.
     */
    public CompletableFuture<CredentialsCheck> checkCredentialsAsync(Duration timeout) {
        return check(new CompletableFuture<>(), timeout);
    }

    private CompletableFuture<CredentialsCheck> check(CompletableFuture<AwsCredentialsIdentity> result, Duration timeout) {
        try {
            worker.execute(new Check(result));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(CredentialsCheck.failed(credentials.source(), closed().getMessage()));
        }
        // A timed-out result is done, so the worker skips the resolution if it has not started it yet.
        return result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).handle((identity, failure) -> {
            if (failure instanceof CompletionException && failure.getCause() != null) {
                failure = failure.getCause();
            }
            if (failure instanceof TimeoutException) {
                return CredentialsCheck.failed(credentials.source(), "Resolving AWS credentials from " + credentials.source()
                        + " did not finish within " + timeout.toMillis() + " ms. Check that it can reach the services it "
                        + "depends on (instance metadata, STS, SSO) from this process.");
            }
            if (failure != null) {
                return CredentialsCheck.failed(credentials.source(),
                        failure instanceof SQLException ? failure.getMessage() : failure.toString());
            }
            Instant now = clock.instant();
            Instant expiry = identity.expirationTime().orElse(null);
            if (expiry != null && !expiry.isAfter(now)) {
                return CredentialsCheck.failed(credentials.source(), "The AWS credentials from " + credentials.source()
                        + " expired at " + expiry + " (this machine's clock reads " + now + "). Check that the provider "
                        + "refreshes its credentials (an SSO login, the role session, the process that writes them) and "
                        + "this machine's clock.");
            }
            return CredentialsCheck.resolved(credentials.source(), expiry, now);
        });
    }

    /** One credentials resolution for {@link #checkCredentials}, on the worker thread. */
    private final class Check implements Runnable {
        final CompletableFuture<AwsCredentialsIdentity> future;

        Check(CompletableFuture<AwsCredentialsIdentity> future) {
            this.future = future;
        }

        @Override
        public void run() {
            if (future.isDone()) {
                return; // the check timed out before the worker got to it
            }
            try {
                AwsCredentialsIdentity identity = credentials.resolve();
                metrics.credentialsExpire(identity.expirationTime().orElse(null));
                future.complete(identity);
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }
    }

    IamConfig config() {
        return config;
    }

    /** Stops the signing thread and releases the credentials provider if iamdb created it. */
    @Override
    public void close() {
        TokenProviders.removed(this);
        for (Runnable queued : worker.shutdownNow()) {
            if (queued instanceof Attempt attempt) {
                attempt.future.completeExceptionally(closed());
            } else if (queued instanceof Check check) {
                check.future.completeExceptionally(closed());
            }
        }
        credentials.close();
    }

    @Override
    public String toString() {
        return "TokenProvider[" + config + "]";
    }

    /** A token and whether it came from the cache (a rejected cached token is worth one retry). */
    record Token(String value, boolean cached) {
        @Override
        public String toString() {
            return "Token[cached=" + cached + "]";
        }
    }

    Token next() throws SQLException {
        return next(0);
    }

    /**
     * @param loginTimeoutSeconds how long to wait for credentials and signing; 0 means DriverManager's
     *     login timeout, or 30 s when that is 0 too, since a credentials provider that hangs must not hang
     *     every connection attempt with it
     */
    Token next(int loginTimeoutSeconds) throws SQLException {
        long timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds(loginTimeoutSeconds));
        if (expirationMillis == 0) {
            throwIfBackingOff(nanoTime.getAsLong());
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            start(mine, false);
            return await(mine, timeoutNanos, true).fresh;
        }
        Entry e = current.get();
        if (e != null) {
            long now = nanoTime.getAsLong();
            if (now - e.refreshAt < 0) {
                reused.increment();
                return e.cached;
            }
            if (now - e.reuseUntil < 0) {
                return refreshAhead(e, timeoutNanos);
            }
        }
        return awaitOrSign(timeoutNanos);
    }

    private static int timeoutSeconds(int loginTimeoutSeconds) {
        if (loginTimeoutSeconds > 0) {
            return loginTimeoutSeconds;
        }
        int global = DriverManager.getLoginTimeout();
        return global > 0 ? global : DEFAULT_LOGIN_TIMEOUT_SECONDS;
    }

    /** Forgets {@code token} if it is the cached one, so that the next call signs afresh. */
    void invalidate(String token) {
        Entry e = current.get();
        if (e != null && e.token.equals(token)) {
            current.compareAndSet(e, null);
        }
    }

    private Token refreshAhead(Entry valid, long timeoutNanos) throws SQLException {
        Failure f = failure.get();
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        if ((f == null || f.over(nanoTime.getAsLong())) && signing.compareAndSet(null, mine)) {
            try {
                return claimed(mine, timeoutNanos);
            } catch (SQLException e) {
                long left = valid.reuseUntil - nanoTime.getAsLong();
                if (left <= 0) {
                    throw e;
                }
                log.warn("Refreshing the IAM token for {} failed; the current token stays in use until {}: {}", describe(),
                        clock.instant().plusNanos(left).truncatedTo(ChronoUnit.SECONDS), e.getMessage());
            }
        }
        reused.increment();
        return valid.cached;
    }

    private Token awaitOrSign(long timeoutNanos) throws SQLException {
        while (true) {
            long now = nanoTime.getAsLong();
            Entry e = current.get();
            if (e != null && now - e.reuseUntil < 0) {
                reused.increment();
                return e.cached;
            }
            throwIfBackingOff(now);
            CompletableFuture<Entry> inFlight = signing.get();
            if (inFlight != null) {
                Entry shared = await(inFlight, timeoutNanos, false);
                reused.increment();
                return shared.cached;
            }
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            if (signing.compareAndSet(null, mine)) {
                return claimed(mine, timeoutNanos);
            }
        }
    }

    /**
     * Signs as the one caller holding {@code mine}, unless another caller's signing ended between this
     * caller's look at the cache and its claim: then that fresh token is shared instead of signing again.
     */
    private Token claimed(CompletableFuture<Entry> mine, long timeoutNanos) throws SQLException {
        Entry latest = current.get();
        if (latest != null && nanoTime.getAsLong() - latest.refreshAt < 0) {
            signing.compareAndSet(mine, null);
            mine.complete(latest);
            reused.increment();
            return latest.cached;
        }
        start(mine, true);
        return await(mine, timeoutNanos, true).fresh;
    }

    private void start(CompletableFuture<Entry> attempt, boolean cache) {
        try {
            worker.execute(new Attempt(attempt, cache));
        } catch (RejectedExecutionException e) {
            signing.compareAndSet(attempt, null);
            attempt.completeExceptionally(closed());
        }
    }

    /** One resolution and signing on the worker thread; whatever it throws ends its future. */
    private final class Attempt implements Runnable {
        final CompletableFuture<Entry> future;
        final boolean cache;

        Attempt(CompletableFuture<Entry> future, boolean cache) {
            this.future = future;
            this.cache = cache;
        }

        @Override
        public void run() {
            if (future.isDone()) {
                return; // its caller stopped waiting before the worker got to it
            }
            // The attempt leaves `signing` before its future completes: a caller that finds it there must
            // get what it is about to produce, never the result of an attempt that ended earlier.
            try {
                Entry e = sign();
                if (cache) {
                    current.set(e);
                }
                failure.set(null);
                signing.compareAndSet(future, null);
                future.complete(e);
            } catch (Throwable t) {
                if (!(t instanceof SQLException)) {
                    // sign() counts the failures it knows the cause of.
                    metrics.failed(TokenMetrics.SigningFailure.OTHER);
                }
                // Errors too: otherwise every caller waiting for this attempt would wait for ever.
                failed(future, t);
                signing.compareAndSet(future, null);
                future.completeExceptionally(t);
            }
        }
    }

    /**
     * The attempt's token. The caller that started the attempt gets an {@link Error} as it was thrown;
     * callers that joined it get an SQLException with it as the cause.
     */
    private Entry await(CompletableFuture<Entry> attempt, long timeoutNanos, boolean own) throws SQLException {
        try {
            return attempt.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (own && cause instanceof Error) {
                throw (Error) cause;
            }
            if (cause instanceof SQLException) {
                SQLException s = (SQLException) cause;
                throw new SQLException(s.getMessage(), s.getSQLState(), s);
            }
            throw new SQLException("Could not sign an IAM token for " + describe() + ": " + cause, "08004", cause);
        } catch (TimeoutException e) {
            if (expirationMillis == 0) {
                // Nobody else waits for a per-connection attempt; a queued one need not run at all.
                attempt.cancel(false);
            }
            SQLTimeoutException timeout = new SQLTimeoutException("Resolving AWS credentials and signing an IAM token for "
                    + describe() + " did not finish within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                    + " s (the login timeout). Check that " + credentials.source()
                    + " can reach the services it depends on (instance metadata, STS, SSO) from this process.", "08004");
            metrics.failed(TokenMetrics.SigningFailure.TIMEOUT);
            failed(attempt, timeout);
            // The next caller after the back-off starts a new attempt instead of joining this hung one, so that
            // repeated hangs count as failures and the back-off keeps growing.
            signing.compareAndSet(attempt, null);
            throw timeout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for an IAM token for " + describe(), "08004", e);
        }
    }

    private void failed(CompletableFuture<Entry> attempt, Throwable cause) {
        long now = nanoTime.getAsLong();
        failure.updateAndGet(previous -> {
            if (previous != null && previous.attempt == attempt) {
                // Several callers gave up on one attempt, or it failed after they did: one back-off step.
                return new Failure(attempt, cause, previous.retryAt, previous.backoffNanos);
            }
            long backoff = previous == null ? FIRST_BACKOFF.toNanos() : Math.min(MAX_BACKOFF.toNanos(), previous.backoffNanos * 2);
            return new Failure(attempt, cause, now + backoff, backoff);
        });
    }

    private void throwIfBackingOff(long now) throws SQLException {
        Failure f = failure.get();
        if (f == null || f.over(now)) {
            return;
        }
        long waitMillis = TimeUnit.NANOSECONDS.toMillis(f.retryAt - now);
        String when = " iamdb tries again after " + clock.instant().plusMillis(waitMillis).truncatedTo(ChronoUnit.MILLIS)
                + " (in " + Math.max(1, (waitMillis + 999) / 1000) + " s); until then connections fail with this error"
                + " rather than call the credentials provider again.";
        if (f.cause instanceof SQLException) {
            SQLException s = (SQLException) f.cause;
            throw new SQLException(s.getMessage() + when, s.getSQLState(), s);
        }
        throw new SQLException("Could not sign an IAM token for " + describe() + ": " + f.cause + "." + when, "08004", f.cause);
    }

    private Entry sign() throws SQLException {
        long started = nanoTime.getAsLong();
        AwsCredentialsIdentity identity = unexpiredCredentials();
        Instant now = clock.instant();
        long nowNanos = nanoTime.getAsLong();
        // The signer writes whole seconds: the token expires lifetime after this, not after now.
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        String token;
        try {
            token = signer.sign(identity, at);
        } catch (RuntimeException e) {
            metrics.failed(TokenMetrics.SigningFailure.SIGNING);
            throw new SQLException("Could not sign an IAM token for " + describe() + ": " + e.getMessage(), "08004", e);
        }
        metrics.signed(nanoTime.getAsLong() - started);
        long issued = at.toEpochMilli();
        long nowMillis = now.toEpochMilli();
        long reuseUntil = Math.min(issued + expirationMillis, issued + lifetimeMillis - safetyMillis);
        if (identity.expirationTime().isPresent()) {
            long credentialsExpire = identity.expirationTime().get().toEpochMilli();
            if (credentialsExpire - safetyMillis > nowMillis) {
                reuseUntil = Math.min(reuseUntil, credentialsExpire - safetyMillis);
            } else {
                // The provider should have refreshed these already. Signing with them still works, but
                // ending reuse at "expiry minus the margin", which is past, would sign for every connection;
                // half the time they have left keeps the token usable and bounds the signings until expiry.
                reuseUntil = Math.min(reuseUntil, nowMillis + (credentialsExpire - nowMillis) / 2);
                log.warn("AWS credentials from {} expire at {}, within {} ms; tokens signed with them are reused only until {}",
                        credentials.source(), identity.expirationTime().get(), safetyMillis, Instant.ofEpochMilli(reuseUntil));
            }
        }
        long refreshAt = reuseUntil <= nowMillis ? reuseUntil : nowMillis + (reuseUntil - nowMillis) * REFRESH_PERCENT / 100;
        if (log.isDebugEnabled()) {
            log.debug("Signed an IAM token for {}, valid until {}, reused until {}", describe(),
                    Instant.ofEpochMilli(issued + lifetimeMillis), Instant.ofEpochMilli(reuseUntil));
        }
        long toNanos = TimeUnit.MILLISECONDS.toNanos(1);
        return new Entry(token, nowNanos + (refreshAt - nowMillis) * toNanos, nowNanos + (reuseUntil - nowMillis) * toNanos);
    }

    /**
     * Resolves credentials, once more if they have already expired: a provider may hand out what it
     * cached just before refreshing. A token signed with expired credentials is refused by the server
     * with a message that does not say why.
     */
    private AwsCredentialsIdentity unexpiredCredentials() throws SQLException {
        AwsCredentialsIdentity identity = resolveCredentials();
        if (!expired(identity)) {
            return identity;
        }
        identity = resolveCredentials();
        if (!expired(identity)) {
            return identity;
        }
        metrics.failed(TokenMetrics.SigningFailure.EXPIRED_CREDENTIALS);
        throw new SQLException("The AWS credentials from " + credentials.source() + " expired at "
                + identity.expirationTime().get() + " (this machine's clock reads " + clock.instant()
                + "), and resolving them again returned expired ones too. Check that the provider refreshes its "
                + "credentials (an SSO login, the role session, the process that writes them) and this machine's clock.", "08004");
    }

    private AwsCredentialsIdentity resolveCredentials() throws SQLException {
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.resolve();
        } catch (SQLException e) {
            metrics.failed(TokenMetrics.SigningFailure.CREDENTIALS);
            throw e;
        }
        metrics.credentialsExpire(identity.expirationTime().orElse(null));
        if (!announced) {
            announced = true;
            log.info("iamdb: user {} on {} signs with credentials from {}", config.user(), config.signedHost(),
                    credentials.describe(identity));
        }
        return identity;
    }

    private boolean expired(AwsCredentialsIdentity identity) {
        return identity.expirationTime().map(t -> !t.isAfter(clock.instant())).orElse(false);
    }

    private SQLException closed() {
        return new SQLException("The token provider for " + describe() + " is closed.", "08003");
    }

    /** Where this provider's credentials come from (the route, profile, class or assumed role), for messages. */
    String credentialsSource() {
        return credentials.source();
    }

    private String describe() {
        return "user " + config.user() + " on " + config.signedHost() + " (" + config.service().propertyValue()
                + ", " + config.region() + ", credentials from " + credentials.source() + ")";
    }

    /** The last failed attempt and when the credentials provider may be called again (monotonic nanos). */
    private static final class Failure {
        final CompletableFuture<Entry> attempt;
        final Throwable cause;
        final long retryAt;
        final long backoffNanos;

        Failure(CompletableFuture<Entry> attempt, Throwable cause, long retryAt, long backoffNanos) {
            this.attempt = attempt;
            this.cause = cause;
            this.retryAt = retryAt;
            this.backoffNanos = backoffNanos;
        }

        boolean over(long now) {
            return now - retryAt >= 0;
        }
    }

    /** One signed token with the monotonic instants ({@code nanoTime}) that govern its reuse. */
    private static final class Entry {
        final String token;
        final long refreshAt;
        final long reuseUntil;
        final Token cached;
        final Token fresh;

        Entry(String token, long refreshAt, long reuseUntil) {
            this.token = token;
            this.refreshAt = refreshAt;
            this.reuseUntil = reuseUntil;
            this.cached = new Token(token, true);
            this.fresh = new Token(token, false);
        }
    }
}
