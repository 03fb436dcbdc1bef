package dev.iamdb;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC driver for {@code jdbc:iamdb:postgresql://host[:port][/database][?params]} (and {@code jdbc:iamdb:mysql:},
 * {@code jdbc:iamdb:mariadb:}), so that anything that takes a JDBC URL (HikariCP's {@code jdbcUrl}, Spring Boot's
 * {@code spring.datasource.url}, a SQL tool) logs in with IAM auth tokens through pgjdbc, MySQL or MariaDB Connector/J.
 *
 * <p>Every {@link IamProperty} is accepted as a URL parameter or a connection property; everything else is
 * passed to the target driver unchanged. For PostgreSQL the database defaults to {@code postgres}. A {@code password}
 * is refused, except the empty one (and Liquibase's {@code "null"}) that tools send when none is configured, which
 * is ignored.
 *
 * <p>Connections opened through one driver instance whose settings sign the same tokens (service, action,
 * signed host and port, region, user, token lifetime, expiration and credentials source) share one
 * {@link TokenProvider}, so a pool signs one token per reuse period
 * rather than one per connection. Two users, hosts, profiles or provider classes never share a token.
 * Providers with the same credentials source share one credentials provider. A provider no connection has used
 * for 15 minutes is closed, and the credentials provider with the last of its users; all are closed by
 * {@link #close()} or when the driver is deregistered from {@link DriverManager} (as servlet containers do on undeploy).
 *
 * <p>Connections are pgjdbc's own, unwrapped. Their {@link java.sql.DatabaseMetaData#getURL()} is pgjdbc's
 * {@code jdbc:postgresql://host…} URL (without iamdb's parameters): tools that tell the database from that URL
 * see PostgreSQL, and Flyway's Aurora DSQL support, which reads the endpoint host from it, sees the cluster.
 */
public final class IamDriver implements Driver, AutoCloseable {
    /** The prefix of the URLs this driver takes; compare it without regard to case, as {@link #acceptsURL} does. */
    public static final String URL_PREFIX = JdbcUrl.IAMDB_PREFIX;

    private static final String CONFIGURATION_ERROR = "08001";
    private static final int[] VERSION = releaseVersion();
    private static final Logger log = LoggerFactory.getLogger(IamDriver.class);

    /** How long a configuration, its token provider and its credentials are kept after their last connection. */
    static final Duration IDLE = Duration.ofMinutes(15);
    private static final long SWEEP_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    static {
        try {
            register(new IamDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }


    private final Map<ConfigKey, CachedConfig> configs = new ConcurrentHashMap<>();
    private final Map<IamConfig.TokenKey, SharedProvider> tokenProviders = new ConcurrentHashMap<>();
    private final Map<IamConfig.CredentialsKey, Credentials> credentials = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final long idleNanos;
    private final Function<String, String> regionFallback;
    private final AtomicLong lastSweep;

    /**
     * A driver with its own token providers. Applications normally use the instance registered with
     * {@link DriverManager}; a separate instance keeps its tokens apart and is released with {@link #close()}.
     */
    public IamDriver() {
        this(System::nanoTime, IDLE, null);
    }

    /** {@code regionFallback} replaces the AWS_REGION / profile lookup when not {@code null}. */
    IamDriver(LongSupplier nanoTime, Duration idle, Function<String, String> regionFallback) {
        this.nanoTime = nanoTime;
        this.idleNanos = idle.toNanos();
        this.regionFallback = regionFallback;
        this.lastSweep = new AtomicLong(nanoTime.getAsLong());
    }

    /** Registers {@code driver} so that deregistering it releases its token providers. */
    static void register(IamDriver driver) throws SQLException {
        DriverManager.registerDriver(driver, driver::close);
    }

    /** True exactly for {@code jdbc:iamdb:} URLs, so pgjdbc and other drivers keep theirs. */
    @Override
    public boolean acceptsURL(String url) {
        return JdbcUrl.isIamdbUrl(url);
    }

    /**
     * Opens a connection with a current IAM token, or returns {@code null} for a URL that is not
     * {@code jdbc:iamdb:}.
     *
     * @throws SQLException with SQLSTATE 08001 and the {@link IamConfigException} as cause when a setting is
     *         wrong, or as {@link IamDataSource#getConnection()} reports a failed step
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        IamConfig config = configure(url, info);
        SharedProvider shared = acquire(config);
        try {
            return new IamDataSource(config, shared.provider).getConnection();
        } finally {
            release(shared);
            sweep();
        }
    }

    /**
     * The configuration for these settings, built once and then reused while they keep being used: building
     * one may read {@code ~/.aws/config} for the region, which must not happen on every connection.
     */
    private IamConfig configure(String url, Properties info) throws SQLException {
        ConfigKey key = ConfigKey.of(url, info);
        CachedConfig cached = configs.get(key);
        if (cached != null) {
            cached.lastUsed = nanoTime.getAsLong();
            return cached.config;
        }
        IamConfig.Builder builder = IamConfig.builder().url(url);
        key.settings().forEach(builder::property);
        if (regionFallback != null) {
            builder.regionFallback(regionFallback);
        }
        IamConfig config;
        try {
            config = builder.build();
        } catch (IamConfigException e) {
            throw configurationError(e);
        }
        if (!config.poolSettings().isEmpty()) {
            String first = config.poolSettings().values().iterator().next().writtenAs();
            throw configurationError(new IamConfigException(first, "Setting " + first + " is for iamdb's own pool; the "
                    + "jdbc:iamdb: driver opens single connections: configure the pool that uses this URL instead."));
        }
        configs.put(key, new CachedConfig(config, nanoTime.getAsLong()));
        return config;
    }

    /** The provider for the configuration's tokens, marked in use so that a sweep leaves it alone. */
    private SharedProvider acquire(IamConfig config) throws SQLException {
        try {
            return tokenProviders.compute(config.tokenKey(), (key, shared) -> {
                if (shared == null) {
                    log.debug("New token provider for {}", config);
                    shared = new SharedProvider(key, TokenProvider.sharing(config, credentialsFor(config), this));
                }
                shared.active++;
                shared.lastUsed = nanoTime.getAsLong();
                return shared;
            });
        } catch (IamConfigException e) {
            throw configurationError(e);
        }
    }

    /** One credentials provider per credentials source, however many users and hosts sign with it. */
    private Credentials credentialsFor(IamConfig config) {
        return credentials.compute(config.credentialsKey(),
                (key, existing) -> existing != null && existing.retain() ? existing : new Credentials(config));
    }

    private void release(SharedProvider shared) {
        tokenProviders.computeIfPresent(shared.key, (key, s) -> {
            // After close() the key may hold a newer provider, whose count is not this caller's to change.
            if (s == shared) {
                s.active--;
                s.lastUsed = nanoTime.getAsLong();
            }
            return s;
        });
    }

    /**
     * Forgets configurations and closes token providers (and, with the last of them, credentials providers) that
     * no connection has used for {@link #IDLE}, at most once a minute: an application that logs in as thousands of
     * users over its life must not keep a provider for each.
     */
    private void sweep() {
        long now = nanoTime.getAsLong();
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        configs.values().removeIf(c -> now - c.lastUsed > idleNanos);
        for (IamConfig.TokenKey key : tokenProviders.keySet()) {
            tokenProviders.computeIfPresent(key, (k, s) -> {
                if (s.active > 0 || now - s.lastUsed <= idleNanos) {
                    return s;
                }
                s.provider.close();
                return null;
            });
        }
        credentials.values().removeIf(Credentials::isClosed);
    }

    private static SQLException configurationError(IamConfigException e) {
        return new SQLException(e.getMessage(), CONFIGURATION_ERROR, e);
    }

    /**
     * iamdb's properties (with descriptions; {@code user} required) and then the target driver's own, without
     * {@code password}, which iamdb supplies. Values show what the URL and {@code info} already set.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return new DriverPropertyInfo[0];
        }
        JdbcUrl parsed;
        try {
            parsed = JdbcUrl.parse(url, "url");
        } catch (IamConfigException e) {
            throw configurationError(e);
        }
        Properties given = info != null ? info : new Properties();
        List<DriverPropertyInfo> result = new ArrayList<>();
        for (IamProperty p : IamProperty.values()) {
            String name = p.propertyName();
            DriverPropertyInfo d = new DriverPropertyInfo(name, given.getProperty(name, parsed.iamParameters.get(name)));
            d.description = p.description();
            d.required = p.required();
            d.choices = p.choices().isEmpty() ? null : p.choices().toArray(new String[0]);
            result.add(d);
        }
        Properties passedOn = new Properties();
        for (String name : given.stringPropertyNames()) {
            if (!ConfigResolver.isIamdbKey(name)) {
                passedOn.setProperty(name, given.getProperty(name));
            }
        }
        Driver target = targetDriver(parsed.targetUrl);
        if (target != null) {
            for (DriverPropertyInfo d : target.getPropertyInfo(parsed.targetUrl, passedOn)) {
                if (!ConfigResolver.isIamdbKey(d.name)) {
                    result.add(d);
                }
            }
        }
        return result.toArray(new DriverPropertyInfo[0]);
    }

    private static Driver targetDriver(String url) {
        try {
            return DriverManager.getDriver(url);
        } catch (SQLException e) {
            // Without pgjdbc there is nothing more to list; connect() explains what to add.
            return null;
        }
    }

    /**
     * Closes the token providers this driver holds and the credentials providers iamdb created for them.
     * The driver stays usable: the next connection builds a new provider. Call it when no connections are
     * being opened through this driver, such as when the application stops.
     */
    @Override
    public void close() {
        configs.clear();
        for (IamConfig.TokenKey key : tokenProviders.keySet()) {
            SharedProvider shared = tokenProviders.remove(key);
            if (shared != null) {
                shared.provider.close();
            }
        }
        credentials.values().removeIf(Credentials::isClosed);
    }

    /**
     * Whether this driver created {@code provider}, which then signs for connections opened through this driver; true
     * from the provider's creation on, also after it is closed. With {@link TokenProviders}, this tells the providers
     * of one driver (such as the one of a Spring application context) from those of other drivers in the same JVM.
     */
    public boolean owns(TokenProvider provider) {
        return provider != null && provider.owner == this;
    }

    /** The providers currently held, for their counters. */
    Collection<TokenProvider> tokenProviders() {
        return tokenProviders.values().stream().map(s -> s.provider).toList();
    }

    /** The credentials providers currently held, one per credentials source. */
    Collection<Credentials> credentialsProviders() {
        return List.copyOf(credentials.values());
    }

    /** A token provider and how many connections are being opened with it right now. */
    private static final class SharedProvider {
        final IamConfig.TokenKey key;
        final TokenProvider provider;
        int active;
        volatile long lastUsed;

        SharedProvider(IamConfig.TokenKey key, TokenProvider provider) {
            this.key = key;
            this.provider = provider;
        }
    }

    private static final class CachedConfig {
        final IamConfig config;
        volatile long lastUsed;

        CachedConfig(IamConfig config, long lastUsed) {
            this.config = config;
            this.lastUsed = lastUsed;
        }
    }

    /**
     * A URL and its connection properties, as a key for the configuration built from them. Values need not be
     * text: a framework that hands the driver objects (Spring Boot's starter, an {@code AwsCredentialsProvider} bean
     * as {@code awsCredentialsProvider}) gets them used as {@link IamConfig.Builder#property} uses them, and a
     * provider instance then keys the configuration by its own {@code equals}.
     */
    private record ConfigKey(String url, Map<String, Object> settings) {
        static ConfigKey of(String url, Properties info) {
            Map<String, Object> settings = new TreeMap<>();
            if (info != null) {
                for (Map.Entry<Object, Object> e : info.entrySet()) {
                    settings.put(String.valueOf(e.getKey()), e.getValue());
                }
                // Defaults of a Properties object are not among its entries, but stringPropertyNames() sees them.
                for (String name : info.stringPropertyNames()) {
                    settings.putIfAbsent(name, info.getProperty(name));
                }
            }
            return new ConfigKey(url, settings);
        }

        /** Never prints the settings: a driver property may be a secret. */
        @Override
        public String toString() {
            return "ConfigKey[" + settings.size() + " settings]";
        }

        /** Written out: a record's generated equals and hashCode cost the first connection 20-50 ms (see IamConfig.CredentialsKey). */
        @Override
        public boolean equals(Object o) {
            return o instanceof ConfigKey k && url.equals(k.url) && settings.equals(k.settings);
        }

        @Override
        public int hashCode() {
            return 31 * url.hashCode() + settings.hashCode();
        }
    }

    /** The major version of the iamdb release this driver belongs to. */
    @Override
    public int getMajorVersion() {
        return VERSION[0];
    }

    @Override
    public int getMinorVersion() {
        return VERSION[1];
    }

    /** Major and minor of the release, from the version the build writes into {@code iamdb.properties}. */
    static int[] releaseVersion() {
        Properties p = new Properties();
        try (InputStream in = IamDriver.class.getResourceAsStream("iamdb.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("iamdb-core is incomplete: dev/iamdb/iamdb.properties is missing", e);
        }
        String[] parts = p.getProperty("version").split("[.-]");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    /** False: the JDBC compliance claim belongs to pgjdbc, which does the work. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("iamdb logs through SLF4J");
    }
}
