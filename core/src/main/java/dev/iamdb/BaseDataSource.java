package dev.iamdb;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** What iamdb's two data sources share: the JDBC plumbing that has nothing to do with IAM. */
abstract class BaseDataSource implements DataSource {
    final IamConfig config;

    BaseDataSource(IamConfig config) {
        this.config = config;
    }

    /** This object first, then what it is built on, in the order {@link #unwrap} tries them. */
    abstract List<Object> layers();

    /** The configuration connections are opened with; frameworks read the target URL from it (jOOQ its dialect). */
    public final IamConfig config() {
        return config;
    }

    /** Not supported: the user is part of the configuration and the password is always a token. */
    @Override
    public final Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("An IAM DataSource logs in as the configured user ('" + config.user()
                + "') with an IAM token; call getConnection() and configure a second DataSource for another user.");
    }

    @Override
    public final Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("iamdb logs through SLF4J");
    }

    @Override
    public final <T> T unwrap(Class<T> type) throws SQLException {
        for (Object layer : layers()) {
            if (type.isInstance(layer)) {
                return type.cast(layer);
            }
        }
        throw new SQLException(getClass().getSimpleName() + " does not wrap " + type.getName());
    }

    @Override
    public final boolean isWrapperFor(Class<?> type) {
        return layers().stream().anyMatch(type::isInstance);
    }
}
