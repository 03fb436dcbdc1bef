package dev.iamdb.jooq;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import dev.iamdb.IamDataSource;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.TransactionRetry;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.CloseableDSLContext;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.TransactionalCallable;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultTransactionProvider;
import org.jooq.tools.jdbc.JDBCUtils;

/**
 * Creates jOOQ {@link DSLContext}s whose connections log in with IAM auth tokens, in the dialect of the JDBC URL
 * ({@link SQLDialect#POSTGRES}, {@link SQLDialect#MYSQL} or {@link SQLDialect#MARIADB}, as jOOQ reads it) and with
 * transactions that work on Aurora DSQL.
 *
 * <p>Connections come through jOOQ's own {@link DataSourceConnectionProvider} from an
 * {@link IamPooledDataSource}, where every new physical connection gets a current token; reach it with
 * {@code ((DataSourceConnectionProvider) dsl.configuration().connectionProvider()).dataSource()}.
 *
 * <p>Aurora DSQL has no {@code SAVEPOINT}, so a nested {@code transaction(…)} never sets one: it joins
 * the enclosing transaction, and its work commits or rolls back with that transaction. An exception
 * from a nested transaction that the outer code catches does not undo the nested work; let it
 * propagate to roll back everything.
 *
 * <p>Aurora DSQL reports optimistic-concurrency conflicts at commit (SQLSTATE 40001); {@link #transactionResult}
 * runs a transaction again when that happens.
 *
 * <p>The contexts built from settings own a connection pool: close them (try-with-resources, or at
 * application shutdown) to close the pool and the credentials provider iamdb created.
 */
public final class IamDsl {
    private IamDsl() {
    }

    /**
     * A context over a new pool, configured from a JDBC URL and settings: iamdb's properties,
     * {@code pool.<HikariCP setting>} and driver properties (see {@code docs/configuration.md}). A
     * {@link java.util.Properties} object is such a map.
     *
     * @throws IamConfigException when a setting is missing or invalid; the message names it
     */
    public static CloseableDSLContext create(String jdbcUrl, Map<?, ?> settings) {
        return create(IamConfig.builder().url(jdbcUrl).properties(settings).build());
    }

    /** A context over a new pool with the configuration's {@code pool.*} settings; close it to close the pool. */
    public static CloseableDSLContext create(IamConfig config) {
        IamPooledDataSource pool = new IamPooledDataSource(config);
        return new IamDslContext(configuration(pool, config), pool);
    }

    /**
     * A context over a DataSource the application owns and closes: an {@link IamPooledDataSource}, or
     * a pool over an {@link IamDataSource}.
     *
     * @throws IllegalArgumentException when {@code dataSource} does not log in with IAM tokens
     */
    public static DSLContext create(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (!wrapsIamDataSource(dataSource)) {
            throw new IllegalArgumentException("DataSource " + dataSource.getClass().getName()
                    + " does not log in with IAM tokens: pass an IamPooledDataSource, or a pool whose DataSource is an "
                    + "IamDataSource (isWrapperFor(IamDataSource.class) must be true).");
        }
        IamConfig config;
        try {
            config = dataSource.unwrap(IamDataSource.class).config();
        } catch (SQLException e) {
            throw new IllegalArgumentException("DataSource " + dataSource.getClass().getName() + " says it wraps an "
                    + "IamDataSource but does not unwrap to one: " + e.getMessage(), e);
        }
        return DSL.using(configuration(dataSource, config));
    }

    /**
     * {@code dsl.transactionResult(transactional)}, run again from the start when Aurora DSQL reports an
     * optimistic-concurrency conflict, with {@link TransactionRetry#create()}'s defaults. Call it outside any
     * transaction: the whole transaction is what runs again, so {@code transactional} must have no effects outside it.
     *
     * @throws org.jooq.exception.DataAccessException the last conflict when the retries are used up, or any other failure
     */
    public static <T> T transactionResult(DSLContext dsl, TransactionalCallable<T> transactional) {
        return transactionResult(dsl, TransactionRetry.create(), transactional);
    }

    /** As {@link #transactionResult(DSLContext, TransactionalCallable)}, with the given retry policy and listener. */
    public static <T> T transactionResult(DSLContext dsl, TransactionRetry retry, TransactionalCallable<T> transactional) {
        Objects.requireNonNull(dsl, "dsl");
        Objects.requireNonNull(transactional, "transactional");
        // Inside a transaction (tx.dsl()) the context holds that transaction's connection: a retry would run again in
        // a transaction the conflict already aborted, and fail with a different error.
        if (!(dsl.configuration().connectionProvider() instanceof DataSourceConnectionProvider)) {
            throw new IllegalStateException("transactionResult runs a whole transaction again on a conflict, so it needs a "
                    + "DSLContext over a DataSource (as IamDsl.create gives), outside any transaction; this one holds a "
                    + "connection of its own, such as a transaction's (tx.dsl()).");
        }
        return retry.call(() -> dsl.transactionResult(transactional));
    }

    private static boolean wrapsIamDataSource(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(IamDataSource.class);
        } catch (SQLException e) {
            return false;
        }
    }

    private static DefaultConfiguration configuration(DataSource dataSource, IamConfig config) {
        DataSourceConnectionProvider connections = new DataSourceConnectionProvider(dataSource);
        DefaultConfiguration configuration = new DefaultConfiguration();
        // The bean setters, not the set(…) overloads: resolving those makes javac read jOOQ's JAXB-annotated
        // Settings and warn wherever JAXB (optional for jOOQ) is not on the class path.
        configuration.setSQLDialect(JDBCUtils.dialect(config.url()));
        configuration.setConnectionProvider(connections);
        // nested = false: jOOQ's default sets a SAVEPOINT for each nested transaction, which Aurora DSQL rejects.
        configuration.setTransactionProvider(new DefaultTransactionProvider(connections, false));
        return configuration;
    }
}
