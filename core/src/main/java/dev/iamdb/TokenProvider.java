package dev.iamdb;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hands out IAM auth tokens for one {@link IamConfig}, signing as rarely as is safe.
 *
 * <p>A cached token is reused until the earliest of: its issue time plus {@code iamExpiration}; its
 * expiry minus a safety margin; the expiry of the session credentials that signed it, minus the same
 * margin. Past 80% of that window the next caller signs a replacement while every other caller keeps
 * getting the still-valid token; when no valid token exists, concurrent callers wait for one shared
 * signing rather than each signing their own. A failed signing is reported to the callers that waited
 * for it and is not remembered: the next call tries again, and a failed refresh leaves the valid token
 * in place.
 *
 * <p>Thread-safe. A cache hit is one volatile read and one clock read.
 */
public final class TokenProvider implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenProvider.class);
    private static final long MAX_SAFETY_MILLIS = 30_000;
    private static final int REFRESH_PERCENT = 80;

    private final IamConfig config;
    private final Credentials credentials;
    private final TokenSigner signer;
    private final Clock clock;
    private final long lifetimeMillis;
    private final long expirationMillis;
    private final long safetyMillis;
    private final AtomicReference<Entry> current = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Entry>> signing = new AtomicReference<>();
    private final LongAdder signed = new LongAdder();
    private final LongAdder reused = new LongAdder();

    /** Builds the configuration's credentials provider; close this provider to release it. */
    public TokenProvider(IamConfig config) {
        this.config = config;
        this.credentials = new Credentials(config);
        this.signer = new TokenSigner(config);
        this.clock = config.clock();
        this.lifetimeMillis = config.tokenLifetime().toMillis();
        this.expirationMillis = config.expiration().toMillis();
        this.safetyMillis = Math.min(MAX_SAFETY_MILLIS, lifetimeMillis / 10);
    }

    /**
     * A token valid for at least the safety margin (up to 30 s), to be used as the password of one new
     * connection.
     *
     * @throws SQLException when credentials cannot be resolved or signing fails; the message says which
     */
    public String token() throws SQLException {
        return next().value();
    }

    /** How many tokens this provider has signed. */
    public long tokensSigned() {
        return signed.sum();
    }

    /** How many times a cached token was handed out instead of signing. */
    public long tokensReused() {
        return reused.sum();
    }

    public IamConfig config() {
        return config;
    }

    /** Releases the credentials provider if iamdb created it. */
    @Override
    public void close() {
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
        if (expirationMillis == 0) {
            return new Token(sign().token, false);
        }
        Entry e = current.get();
        if (e != null) {
            long now = clock.millis();
            if (now < e.refreshAt) {
                reused.increment();
                return e.cached;
            }
            if (now < e.reuseUntil) {
                return refreshAhead(e);
            }
        }
        return awaitOrSign();
    }

    /** Forgets {@code token} if it is the cached one, so that the next call signs afresh. */
    void invalidate(String token) {
        Entry e = current.get();
        if (e != null && e.token.equals(token)) {
            current.compareAndSet(e, null);
        }
    }

    private Token refreshAhead(Entry valid) {
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        if (signing.compareAndSet(null, mine)) {
            try {
                return signOrReuse(mine);
            } catch (SQLException e) {
                log.warn("Refreshing the IAM token for {} failed; the current token stays in use until {}: {}",
                        describe(), Instant.ofEpochMilli(valid.reuseUntil), e.getMessage());
            }
        }
        reused.increment();
        return valid.cached;
    }

    private Token awaitOrSign() throws SQLException {
        while (true) {
            CompletableFuture<Entry> inFlight = signing.get();
            if (inFlight != null) {
                reused.increment();
                return join(inFlight).cached;
            }
            Entry e = current.get();
            if (e != null && clock.millis() < e.reuseUntil) {
                reused.increment();
                return e.cached;
            }
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            if (signing.compareAndSet(null, mine)) {
                return signOrReuse(mine);
            }
        }
    }

    /**
     * Signs as the one caller holding {@code mine}, unless another caller's signing ended between this
     * caller's look at the cache and its claim: then that fresh token is shared instead of signing again.
     */
    private Token signOrReuse(CompletableFuture<Entry> mine) throws SQLException {
        try {
            Entry latest = current.get();
            if (latest != null && clock.millis() < latest.refreshAt) {
                mine.complete(latest);
                reused.increment();
                return latest.cached;
            }
            Entry e = sign();
            current.set(e);
            mine.complete(e);
            return e.fresh;
        } catch (SQLException | RuntimeException ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            signing.compareAndSet(mine, null);
        }
    }

    private static Entry join(CompletableFuture<Entry> f) throws SQLException {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                SQLException s = (SQLException) cause;
                throw new SQLException(s.getMessage(), s.getSQLState(), s);
            }
            throw (RuntimeException) cause;
        }
    }

    private Entry sign() throws SQLException {
        AwsCredentialsIdentity identity = credentials.resolve();
        Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String token;
        try {
            token = signer.sign(identity, at);
        } catch (RuntimeException e) {
            throw new SQLException("Could not sign an IAM token for " + describe() + ": " + e.getMessage(), "08004", e);
        }
        signed.increment();
        long issued = at.toEpochMilli();
        long reuseUntil = Math.min(issued + expirationMillis, issued + lifetimeMillis - safetyMillis);
        if (identity.expirationTime().isPresent()) {
            reuseUntil = Math.min(reuseUntil, identity.expirationTime().get().toEpochMilli() - safetyMillis);
        }
        long refreshAt = reuseUntil <= issued ? reuseUntil : issued + (reuseUntil - issued) * REFRESH_PERCENT / 100;
        if (log.isDebugEnabled()) {
            log.debug("Signed an IAM token for {}, valid until {}, reused until {}", describe(),
                    Instant.ofEpochMilli(issued + lifetimeMillis), Instant.ofEpochMilli(reuseUntil));
        }
        return new Entry(token, refreshAt, reuseUntil);
    }

    private String describe() {
        return "user " + config.user() + " on " + config.signedHost() + " (" + config.service().propertyValue()
                + ", " + config.region() + ", credentials from " + credentials.source() + ")";
    }

    /** One signed token with the instants (epoch millis) that govern its reuse. */
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
