package dev.iamdb;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC driver for {@code jdbc:iamdb:postgresql://host[:port][/database][?params]}, so that anything that
 * takes a JDBC URL (HikariCP's {@code jdbcUrl}, Spring Boot's {@code spring.datasource.url}, a SQL tool) logs in
 * with IAM auth tokens through pgjdbc.
 *
 * <p>Every {@link IamProperty} is accepted as a URL parameter or a connection property; everything else is
 * passed to pgjdbc unchanged. The database defaults to {@code postgres}. An <em>empty</em> {@code password}
 * connection property is ignored, because some tools always send one; any other password is refused.
 *
 * <p>Connections opened through one driver instance whose settings sign the same tokens (service, action,
 * signed host and port, region, user, token lifetime, expiration and credentials source) share one
 * {@link TokenProvider}, so a pool signs one token per reuse period
 * rather than one per connection. Two users, hosts, profiles or provider classes never share a token.
 * The providers, and the credentials providers iamdb created for them, live until {@link #close()} or until
 * the driver is deregistered from {@link DriverManager} (as servlet containers do on undeploy).
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

    static {
        try {
            register(new IamDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Map<IamConfig.TokenKey, TokenProvider> tokenProviders = new ConcurrentHashMap<>();

    /**
     * A driver with its own token providers. Applications normally use the instance registered with
     * {@link DriverManager}; a separate instance keeps its tokens apart and is released with {@link #close()}.
     */
    public IamDriver() {
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
        return new IamDataSource(config, tokenProvider(config)).getConnection();
    }

    private static IamConfig configure(String url, Properties info) throws SQLException {
        IamConfig.Builder builder = IamConfig.builder().url(url);
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                String value = info.getProperty(name);
                if (!(name.equals("password") && value.isEmpty())) {
                    builder.property(name, value);
                }
            }
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
        return config;
    }

    private TokenProvider tokenProvider(IamConfig config) throws SQLException {
        try {
            return tokenProviders.computeIfAbsent(config.tokenKey(), key -> {
                log.debug("New token provider for {}", config);
                return new TokenProvider(config);
            });
        } catch (IamConfigException e) {
            throw configurationError(e);
        }
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
        for (IamConfig.TokenKey key : tokenProviders.keySet()) {
            TokenProvider provider = tokenProviders.remove(key);
            if (provider != null) {
                provider.close();
            }
        }
    }

    /** The providers currently held, for their counters. */
    Collection<TokenProvider> tokenProviders() {
        return List.copyOf(tokenProviders.values());
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
