package dev.iamdb;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.Closeable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A HikariCP pool over an {@link IamDataSource}: a fresh token for every physical connection, and
 * defaults that respect Aurora DSQL's limits. This is what each framework adapter hands its framework.
 *
 * <p>HikariCP settings pass through by their HikariCP names ({@code maximumPoolSize},
 * {@code minimumIdle}, {@code connectionTimeout}, …). {@code maxLifetime} defaults to 55 minutes,
 * under Aurora DSQL's 60-minute connection cap. Settings that would make HikariCP open connections
 * itself ({@code jdbcUrl}, {@code username}, {@code password}, {@code dataSourceClassName}, …) are
 * rejected, because those connections would bypass IAM.
 */
public final class IamPooledDataSource implements DataSource, Closeable {
    /** Under Aurora DSQL's 60-minute connection cap, with room for HikariCP's own variance. */
    static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(55);

    private static final Set<String> BYPASSING = Set.of("jdbcUrl", "username", "password", "driverClassName",
            "dataSource", "dataSourceClassName", "dataSourceJNDI", "dataSourceProperties", "credentials");

    private final IamDataSource source;
    private final HikariDataSource pool;

    /** A pool with default settings. */
    public IamPooledDataSource(IamConfig config) {
        this(config, Map.of());
    }

    /**
     * A pool with HikariCP settings by their HikariCP property names. The pool opens its first
     * connection now (HikariCP's default), so a wrong setup fails at start-up.
     */
    public IamPooledDataSource(IamConfig config, Map<String, String> poolSettings) {
        HikariConfig hikari = hikariConfig(poolSettings);
        if (!poolSettings.containsKey("maxLifetime")) {
            hikari.setMaxLifetime(DEFAULT_MAX_LIFETIME.toMillis());
        }
        if (!poolSettings.containsKey("poolName")) {
            hikari.setPoolName("iamdb " + config.user() + "@" + config.signedHost());
        }
        this.source = new IamDataSource(config);
        hikari.setDataSource(source);
        try {
            this.pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static HikariConfig hikariConfig(Map<String, String> settings) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (BYPASSING.contains(e.getKey())) {
                throw new IamConfigException(e.getKey(), "Pool setting '" + e.getKey()
                        + "' would let HikariCP open connections without IAM; remove it: iamdb supplies the connections.");
            }
            p.setProperty(e.getKey(), e.getValue());
        }
        try {
            return new HikariConfig(p);
        } catch (RuntimeException e) {
            throw new IamConfigException("pool", "Invalid HikariCP pool setting: " + e.getMessage()
                    + ". Accepted are HikariCP's property names, such as maximumPoolSize, minimumIdle, connectionTimeout, "
                    + "idleTimeout, maxLifetime, keepaliveTime, poolName.");
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    /** Not supported: see {@link IamDataSource#getConnection(String, String)}. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return source.getConnection(username, password);
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
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("iamdb logs through SLF4J");
    }

    /** Unwraps to this pool, the {@link IamDataSource} or the {@link HikariDataSource}. */
    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (type.isInstance(source)) {
            return type.cast(source);
        }
        if (type.isInstance(pool)) {
            return type.cast(pool);
        }
        throw new SQLException("IamPooledDataSource does not wrap " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this) || type.isInstance(source) || type.isInstance(pool);
    }

    @Override
    public String toString() {
        return "IamPooledDataSource[" + pool.getPoolName() + ", " + source + "]";
    }
}
