package dev.iamdb.jooq;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.IamPooledDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;

/**
 * A jOOQ {@link ConnectionProvider} whose connections log in with IAM auth tokens: {@link #acquire()}
 * borrows a connection from an iamdb pool, where every new physical connection gets a current token,
 * and {@link #release(Connection)} hands it back.
 *
 * <p>Built from an {@link IamConfig}, the provider owns its {@link IamPooledDataSource}; {@link #close()}
 * closes the pool and the credentials provider iamdb created. Built from a {@link DataSource} the
 * application manages, it owns nothing and {@code close()} leaves that DataSource open.
 *
 * <p>Give this provider to jOOQ with a transaction provider that suits Aurora DSQL, or let
 * {@link IamDsl} do both.
 */
public final class IamConnectionProvider implements ConnectionProvider, AutoCloseable {
    private final DataSource dataSource;
    private final IamPooledDataSource ownedPool;

    /** A provider over a new pool with default HikariCP settings; close it to close the pool. */
    public IamConnectionProvider(IamConfig config) {
        this(config, Map.of());
    }

    /**
     * A provider over a new pool with HikariCP settings by their HikariCP names (see
     * {@link IamPooledDataSource#IamPooledDataSource(IamConfig, Map)}); close it to close the pool.
     */
    public IamConnectionProvider(IamConfig config, Map<String, String> poolSettings) {
        this.ownedPool = new IamPooledDataSource(config, poolSettings);
        this.dataSource = ownedPool;
    }

    /**
     * A provider over a DataSource the application owns: an {@link IamPooledDataSource}, or a pool
     * over an {@link IamDataSource}.
     *
     * @throws IllegalArgumentException when {@code dataSource} does not wrap an {@link IamDataSource},
     *         because its connections would not log in with IAM tokens
     */
    public IamConnectionProvider(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (!wrapsIamDataSource(dataSource)) {
            throw new IllegalArgumentException("DataSource " + dataSource.getClass().getName()
                    + " does not log in with IAM tokens: pass an IamPooledDataSource, or a pool whose DataSource is an "
                    + "IamDataSource (isWrapperFor(IamDataSource.class) must be true).");
        }
        this.dataSource = dataSource;
        this.ownedPool = null;
    }

    private static boolean wrapsIamDataSource(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(IamDataSource.class);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Borrows a pooled connection; a new physical connection logs in with a current token. */
    @Override
    public Connection acquire() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DataAccessException("Could not get a connection from " + dataSource + ": " + e.getMessage(), e);
        }
    }

    /** Returns the connection to the pool by closing the pooled handle. */
    @Override
    public void release(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new DataAccessException("Could not return a connection to " + dataSource + ": " + e.getMessage(), e);
        }
    }

    /** The DataSource connections come from: for counters, {@code unwrap} and sharing with other code. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool and the credentials provider iamdb created, if this provider built the pool. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    @Override
    public String toString() {
        return "IamConnectionProvider[" + dataSource + "]";
    }
}
