package dev.iamdb.hibernate;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.engine.jdbc.connections.spi.DatabaseConnectionInfo;

/**
 * The connection summary Hibernate logs at start-up ("Database info"). Built from the configuration,
 * which holds no secrets, so no token or key can reach the log.
 *
 * <p>Hibernate 7 added schema, catalog and fetch-size accessors; on 6.6 they are simply not called.
 */
final class IamConnectionInfo implements DatabaseConnectionInfo {
    private final IamConfig config;
    private final HikariDataSource pool;
    private final DatabaseVersion version;

    IamConnectionInfo(IamConfig config, HikariDataSource pool, DatabaseVersion version) {
        this.config = config;
        this.pool = pool;
        this.version = version;
    }

    @Override
    public String getJdbcUrl() {
        return config.url();
    }

    @Override
    public String getJdbcDriver() {
        return "iamdb IAM login through DriverManager";
    }

    @Override
    public DatabaseVersion getDialectVersion() {
        return version;
    }

    @Override
    public String getSchema() {
        return null;
    }

    @Override
    public String getCatalog() {
        return null;
    }

    @Override
    public String getAutoCommitMode() {
        return Boolean.toString(pool.isAutoCommit());
    }

    @Override
    public String getIsolationLevel() {
        return pool.getTransactionIsolation() == null ? "driver default" : pool.getTransactionIsolation();
    }

    @Override
    public Integer getPoolMinSize() {
        return pool.getMinimumIdle();
    }

    @Override
    public Integer getPoolMaxSize() {
        return pool.getMaximumPoolSize();
    }

    @Override
    public Integer getJdbcFetchSize() {
        return null;
    }

    @Override
    public boolean hasSchema() {
        return false;
    }

    @Override
    public boolean hasCatalog() {
        return false;
    }

    @Override
    public String toInfoString() {
        return "\tDatabase JDBC URL [" + config.url() + "]"
                + "\n\tIAM login [service " + config.service().propertyValue() + ", host " + config.signedHost()
                + ", region " + config.region() + ", user " + config.user() + "]"
                + "\n\tDatabase version: " + version
                + "\n\tAutocommit mode: " + getAutoCommitMode()
                + "\n\tIsolation level: " + getIsolationLevel()
                + "\n\tPool: HikariCP " + pool.getPoolName() + ", minimum " + getPoolMinSize() + ", maximum " + getPoolMaxSize()
                + ", max lifetime " + pool.getMaxLifetime() / 1000 + " s";
    }

    @Override
    public String toString() {
        return toInfoString();
    }
}
