package dev.iamdb;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import java.io.Closeable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HikariCP pool over an {@link IamDataSource}: a fresh token for every physical connection, and
 * defaults that respect Aurora DSQL's limits. This is what each framework adapter hands its framework.
 *
 * <p>HikariCP settings come with the configuration as {@code pool.<HikariCP name>} ({@code pool.maximumPoolSize},
 * {@code pool.minimumIdle}, {@code pool.connectionTimeout}, …); {@code pool.dataSource.<name>} goes to the
 * JDBC driver, as HikariCP's {@code dataSource.*} does. {@code maxLifetime} defaults to 55 minutes, under
 * Aurora DSQL's 60-minute connection cap. Settings that would make HikariCP open connections itself
 * ({@code jdbcUrl}, {@code username}, {@code password}, {@code dataSourceClassName}, …) are rejected,
 * because those connections would bypass IAM.
 */
public final class IamPooledDataSource extends BaseDataSource implements Closeable {
    /**
     * The {@code maxLifetime} this pool uses unless {@code pool.maxLifetime} is set, and that Spring Boot's starter gives
     * HikariCP for Aurora DSQL endpoints: under DSQL's 60-minute connection cap, with room for HikariCP's own variance,
     * so that the pool replaces connections before the server ends them.
     */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(55);
    static final Duration DSQL_CONNECTION_CAP = Duration.ofMinutes(60);

    private static final Logger log = LoggerFactory.getLogger(IamPooledDataSource.class);
    private static final Set<String> BYPASSING = Set.of("jdbcUrl", "username", "password", "driverClassName",
            "dataSource", "dataSourceClassName", "dataSourceJNDI", "dataSourceProperties", "credentials",
            "credentialsProvider", "credentialsProviderClassName");

    private final IamDataSource source;
    private final HikariDataSource pool;

    /**
     * A pool with the configuration's {@code pool.*} settings. The pool opens its first connection now
     * (HikariCP's default), so a wrong setup fails at start-up.
     */
    public IamPooledDataSource(IamConfig config) {
        super(config);
        HikariConfig hikari = new HikariConfig();
        Properties settings = new Properties();
        config.poolSettings().forEach((name, setting) -> settings.put(name, setting.value()));
        PropertyElf.setTargetFromProperties(hikari, settings);
        if (!settings.containsKey("maxLifetime")) {
            hikari.setMaxLifetime(DEFAULT_MAX_LIFETIME.toMillis());
        }
        if (!settings.containsKey("poolName")) {
            hikari.setPoolName("iamdb " + config.user() + "@" + config.signedHost());
        }
        warnAboutLifetime(config, hikari.getMaxLifetime());
        this.source = IamDataSource.forPool(config);
        hikari.setDataSource(source);
        try {
            this.pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * Checks one HikariCP setting when the configuration is built, so that a misspelt or bypassing setting fails
     * there, named as the user wrote it.
     */
    static void checkSetting(String name, IamConfig.Setting setting) {
        if (BYPASSING.contains(name)) {
            throw new IamConfigException(setting.writtenAs(), "Pool setting " + setting.writtenAs()
                    + " would let HikariCP open connections without IAM; remove it: iamdb supplies the connections.");
        }
        Properties one = new Properties();
        one.put(name, setting.value());
        try {
            PropertyElf.setTargetFromProperties(new HikariConfig(), one);
        } catch (RuntimeException e) {
            if (!PropertyElf.getPropertyNames(HikariConfig.class).contains(name)) {
                throw new IamConfigException(setting.writtenAs(), "Unknown pool setting " + setting.writtenAs()
                        + ": expected a HikariCP property name, such as maximumPoolSize, minimumIdle, connectionTimeout, "
                        + "idleTimeout, maxLifetime, keepaliveTime, poolName.");
            }
            throw PropertyType.invalid(setting.writtenAs(), setting.value(), "a value HikariCP's " + name + " accepts");
        }
    }

    /** Aurora DSQL closes connections at 60 minutes: a pool that keeps them longer hands out dead ones. */
    private static void warnAboutLifetime(IamConfig config, long maxLifetimeMillis) {
        if (config.service() != IamService.DSQL
                || (maxLifetimeMillis > 0 && maxLifetimeMillis < DSQL_CONNECTION_CAP.toMillis())) {
            return;
        }
        IamConfig.Setting s = config.poolSettings().get("maxLifetime");
        log.warn("{}={} ms keeps connections to Aurora DSQL endpoint {} past its 60-minute connection limit; the server will "
                + "close them under the pool. Set it below 3600000, such as {}.", s == null ? "maxLifetime" : s.writtenAs(),
                maxLifetimeMillis, config.signedHost(), DEFAULT_MAX_LIFETIME.toMillis());
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    /** The token provider behind the pool, for its counters. */
    public TokenProvider tokenProvider() {
        return source.tokenProvider();
    }

    /** Closes the pool's connections, then releases the credentials provider iamdb created. */
    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            source.close();
        }
    }

    public boolean isClosed() {
        return pool.isClosed();
    }

    /** This pool, the {@link IamDataSource} or the {@link HikariDataSource}. */
    @Override
    List<Object> layers() {
        return List.of(this, source, pool);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public String toString() {
        return "IamPooledDataSource[" + pool.getPoolName() + ", " + source + "]";
    }
}
