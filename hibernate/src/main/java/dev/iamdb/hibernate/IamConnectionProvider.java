package dev.iamdb.hibernate;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.jdbc.connections.spi.DatabaseConnectionInfo;
import org.hibernate.service.UnknownUnwrapTypeException;
import org.hibernate.service.spi.Configurable;
import org.hibernate.service.spi.Stoppable;

/**
 * A Hibernate {@link ConnectionProvider} that logs in to Amazon Aurora DSQL or RDS PostgreSQL with IAM
 * auth tokens instead of a password, configured from the Hibernate settings applications already
 * write.
 *
 * <p>Select it with {@code hibernate.connection.provider_class=iamdb} (or this class's name). It reads:
 * <ul>
 *   <li>the JDBC URL and user from {@code hibernate.connection.url} / {@code hibernate.connection.username}
 *       or {@code jakarta.persistence.jdbc.url} / {@code jakarta.persistence.jdbc.user};</li>
 *   <li>iamdb properties ({@code iamRegion}, {@code iamHost}, … as in {@code docs/configuration.md}) and
 *       driver properties as {@code hibernate.connection.<name>}, the way Hibernate passes driver
 *       properties; {@code hibernate.connection.awsCredentialsProvider} may also be an
 *       {@code AwsCredentialsProvider} instance, which the application keeps owning;</li>
 *   <li>HikariCP settings as {@code hibernate.hikari.<name>}, as {@code hibernate-hikaricp} reads them,
 *       plus {@code hibernate.connection.autocommit} and {@code hibernate.connection.isolation}.</li>
 * </ul>
 * A configured password fails start-up, because the token replaces it; an empty one is ignored, as by the
 * {@code jdbc:iamdb:} driver.
 *
 * <p>Connections come from an {@link IamPooledDataSource}: every new physical connection logs in with
 * a current token, and connections are retired before Aurora DSQL's 60-minute limit. The pool and
 * the credentials iamdb created are closed when the {@code SessionFactory} closes.
 */
public final class IamConnectionProvider implements ConnectionProvider, Configurable, Stoppable {
    /** The short name to use in {@code hibernate.connection.provider_class}. */
    public static final String SHORT_NAME = "iamdb";

    private static final long serialVersionUID = 1L;

    private final transient Clock clock;
    private transient IamConfig config;
    private transient IamPooledDataSource pool;

    /** Created by Hibernate from {@code hibernate.connection.provider_class}. */
    public IamConnectionProvider() {
        this(Clock.systemUTC());
    }

    /** Tokens signed and cached by {@code clock}: tests move time instead of waiting. */
    IamConnectionProvider(Clock clock) {
        this.clock = clock;
    }

    /** Builds the iamdb configuration and starts the pool, which opens its first connection now. */
    @Override
    public void configure(Map<String, Object> settings) {
        config = HibernateSettings.iamConfig(settings, clock);
        pool = new IamPooledDataSource(config);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        connection.close();
    }

    /** The pool holds connections across statements; Hibernate need not release them after each one. */
    @Override
    public boolean supportsAggressiveRelease() {
        return false;
    }

    /** What Hibernate logs at start-up: URL, pool sizes and the IAM login (service, host, region, user), never a token. */
    @Override
    public DatabaseConnectionInfo getDatabaseConnectionInfo(Dialect dialect) {
        return new IamConnectionInfo(config, hikari(), dialect.getVersion());
    }

    /** True for this provider, {@link DataSource} (the IAM pool) and what the pool unwraps to, such as HikariCP's data source. */
    @Override
    public boolean isUnwrappableAs(Class<?> type) {
        return type.isInstance(this) || type.isAssignableFrom(IamPooledDataSource.class)
                || (pool != null && pool.isWrapperFor(type));
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (pool != null && (type.isAssignableFrom(IamPooledDataSource.class) || pool.isWrapperFor(type))) {
            try {
                return pool.unwrap(type);
            } catch (SQLException e) {
                throw new UnknownUnwrapTypeException(type, e);
            }
        }
        throw new UnknownUnwrapTypeException(type);
    }

    /** Closes the pool and the credentials provider iamdb created; called when the SessionFactory closes. */
    @Override
    public void stop() {
        if (pool != null) {
            pool.close();
        }
    }

    private HikariDataSource hikari() {
        try {
            return pool.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            throw new IllegalStateException("IamPooledDataSource no longer wraps HikariCP", e);
        }
    }

    @Override
    public String toString() {
        return "IamConnectionProvider[" + config + "]";
    }
}
