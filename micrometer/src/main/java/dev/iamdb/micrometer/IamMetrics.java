package dev.iamdb.micrometer;

import dev.iamdb.TokenMetrics;
import dev.iamdb.TokenMetrics.SigningFailure;
import dev.iamdb.TokenProvider;
import dev.iamdb.TokenProviders;
import dev.iamdb.TransactionRetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for every iamdb configuration in use, whichever route opened it (data sources, framework
 * adapters, the {@code jdbc:iamdb:} driver), tagged {@code service}, {@code endpoint} and {@code user}:
 *
 * <ul>
 *   <li>{@code iamdb.tokens.signed}, {@code iamdb.tokens.reused}: tokens signed, and cached tokens handed out instead;
 *   <li>{@code iamdb.logins.rejected}: logins the database refused with an iamdb token;
 *   <li>{@code iamdb.signing.failures}, tagged {@code cause} ({@code credentials}, {@code expired_credentials},
 *       {@code signing}, {@code timeout}, {@code other}): failed attempts to resolve credentials and sign;
 *   <li>{@code iamdb.signing}: a timer of the successful signings, credentials resolution included;
 *   <li>{@code iamdb.credentials.expiry}: time until the credentials last resolved expire, in the registry's base
 *       time unit (seconds for most); NaN for long-term credentials and before the first resolution.
 * </ul>
 *
 * <p>Meters appear when a configuration's {@link TokenProvider} is created and are removed when the last provider
 * with their tags is closed (the driver closes a provider after 15 minutes without connections). Providers that
 * share tags (a pool and the driver for the same user and endpoint) are added up. {@link #close()} removes them all.
 *
 * <pre>{@code
 * IamMetrics metrics = new IamMetrics();
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>For the transaction retries of {@link TransactionRetry}, pass {@link #retryListener(MeterRegistry)} to
 * {@link TransactionRetry#withListener}.
 */
public final class IamMetrics implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IamMetrics.class);

    private final Tags extraTags;
    private final Predicate<? super TokenProvider> providers;
    private final List<Binding> bindings = new ArrayList<>();

    /** Meters tagged only by configuration. */
    public IamMetrics() {
        this(Tags.empty());
    }

    /** Meters that carry {@code tags} as well, such as the application's name. */
    public IamMetrics(Iterable<Tag> tags) {
        this(tags, provider -> true);
    }

    /**
     * Meters for only the configurations whose provider {@code providers} accepts, such as those of one driver
     * ({@code driver::owns}, see {@link dev.iamdb.IamDriver#owns}) when several applications share a JVM. The predicate
     * is asked when a provider is created; a provider it accepted is metered until it is closed.
     */
    public IamMetrics(Iterable<Tag> tags, Predicate<? super TokenProvider> providers) {
        this.extraTags = Tags.of(tags);
        this.providers = Objects.requireNonNull(providers, "providers");
    }

    /** Adds meters for the configurations in use now and from now on, until {@link #close()}. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Binding binding = new Binding(registry);
        synchronized (bindings) {
            bindings.add(binding);
        }
        binding.subscription = TokenProviders.subscribe(binding);
    }

    /** Stops following configurations and removes the meters this binder added. */
    @Override
    public void close() {
        List<Binding> all;
        synchronized (bindings) {
            all = List.copyOf(bindings);
            bindings.clear();
        }
        all.forEach(Binding::close);
    }

    /**
     * A listener that counts each retry of a {@link TransactionRetry} in {@code iamdb.transactions.retries}, tagged
     * {@code sqlstate} with the conflict's SQLSTATE and Aurora DSQL code ({@code 40001 OC000}).
     */
    public static TransactionRetry.Listener retryListener(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return new TransactionRetry.Listener() {
            @Override
            public void retrying(int failedAttempt, String sqlState, Duration pause) {
                Counter.builder("iamdb.transactions.retries")
                        .description("Transactions run again after an optimistic-concurrency conflict")
                        .tag("sqlstate", sqlState)
                        .register(registry)
                        .increment();
            }
        };
    }

    /** The meters of one registry, one group per set of configuration tags. */
    private final class Binding implements TokenProviders.Listener {
        final MeterRegistry registry;
        final Map<Tags, Group> groups = new HashMap<>();
        volatile AutoCloseable subscription;
        boolean closed;

        Binding(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public synchronized void added(TokenProvider provider) {
            if (closed || !providers.test(provider)) {
                return;
            }
            TokenMetrics m = provider.metrics();
            Tags tags = extraTags.and("service", m.service(), "endpoint", m.endpoint(), "user", m.user());
            groups.computeIfAbsent(tags, this::register).add(m);
        }

        @Override
        public synchronized void removed(TokenProvider provider) {
            // Not filtered again: a group forgets only what it added, so a predicate that changed its mind cannot
            // leave a closed provider counted as live.
            TokenMetrics m = provider.metrics();
            Tags tags = extraTags.and("service", m.service(), "endpoint", m.endpoint(), "user", m.user());
            Group group = groups.get(tags);
            if (group != null && group.retire(m)) {
                groups.remove(tags);
                group.meters.forEach(registry::remove);
            }
        }

        private Group register(Tags tags) {
            Group g = new Group();
            g.meters.add(counter("iamdb.tokens.signed", "IAM auth tokens signed", tags, g, TokenMetrics::tokensSigned));
            g.meters.add(counter("iamdb.tokens.reused", "Cached IAM auth tokens used instead of signing", tags, g,
                    TokenMetrics::tokensReused));
            g.meters.add(counter("iamdb.logins.rejected", "Logins the database refused with an IAM auth token", tags, g,
                    TokenMetrics::loginsRejected));
            for (SigningFailure cause : SigningFailure.values()) {
                g.meters.add(counter("iamdb.signing.failures", "Failed attempts to resolve AWS credentials and sign a token",
                        tags.and("cause", cause.name().toLowerCase(Locale.ROOT)), g, m -> m.signingFailures(cause)));
            }
            ToDoubleFunction<TokenMetrics> signed = g.counts(TokenMetrics::tokensSigned);
            ToDoubleFunction<TokenMetrics> signingNanos = g.counts(m -> m.signingTime().toNanos());
            g.meters.add(FunctionTimer.builder("iamdb.signing", g, x -> (long) x.total(signed),
                            x -> x.total(signingNanos), TimeUnit.NANOSECONDS)
                    .description("Resolving AWS credentials and signing an IAM auth token")
                    .tags(tags)
                    .register(registry));
            g.meters.add(TimeGauge.builder("iamdb.credentials.expiry", g, TimeUnit.SECONDS, Group::secondsLeft)
                    .description("Time until the AWS credentials last resolved expire")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry));
            return g;
        }

        private Meter counter(String name, String description, Tags tags, Group g, ToDoubleFunction<TokenMetrics> f) {
            ToDoubleFunction<TokenMetrics> counted = g.counts(f);
            return FunctionCounter.builder(name, g, x -> x.total(counted)).description(description).tags(tags)
                    .register(registry);
        }

        /**
         * Unsubscribes before taking this binding's lock: a listener call holds the registry's lock and then takes
         * this one, so the opposite order could deadlock.
         */
        void close() {
            try {
                if (subscription != null) {
                    subscription.close();
                }
            } catch (Exception e) {
                log.debug("Unsubscribing from token providers failed", e);
            }
            synchronized (this) {
                closed = true;
                groups.values().forEach(g -> g.meters.forEach(registry::remove));
                groups.clear();
            }
        }
    }

    /**
     * The providers sharing one set of tags. What closed providers counted is kept as a sum per counted quantity, so
     * that a counter never goes back while another provider with the same tags lives on, without keeping the closed
     * providers' objects (the driver replaces an idle provider every 15 minutes, for as long as the application runs).
     */
    private static final class Group {
        final List<Meter> meters = new ArrayList<>();
        private final List<TokenMetrics> live = new ArrayList<>();
        /** Per quantity this group's meters read, by identity: the sum over the closed providers. */
        private final Map<ToDoubleFunction<TokenMetrics>, double[]> retired = new IdentityHashMap<>();

        /** {@code f}, registered as a quantity whose closed providers' values are kept. */
        synchronized ToDoubleFunction<TokenMetrics> counts(ToDoubleFunction<TokenMetrics> f) {
            retired.put(f, new double[1]);
            return f;
        }

        synchronized void add(TokenMetrics m) {
            live.add(m);
        }

        /** True when no provider with these tags is left. */
        synchronized boolean retire(TokenMetrics m) {
            if (live.remove(m)) {
                retired.forEach((f, sum) -> sum[0] += f.applyAsDouble(m));
            }
            return live.isEmpty();
        }

        synchronized double total(ToDoubleFunction<TokenMetrics> f) {
            double sum = retired.get(f)[0];
            for (TokenMetrics m : live) {
                sum += f.applyAsDouble(m);
            }
            return sum;
        }

        /** The soonest expiry among the live providers: the first credentials that will need refreshing. */
        synchronized double secondsLeft() {
            double soonest = Double.NaN;
            for (TokenMetrics m : live) {
                Duration left = m.credentialsTimeLeft().orElse(null);
                if (left != null) {
                    double seconds = left.toMillis() / 1000.0;
                    soonest = Double.isNaN(soonest) ? seconds : Math.min(soonest, seconds);
                }
            }
            return soonest;
        }
    }
}
