package dev.iamdb.mybatis;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.IamProperty;
import java.util.Map;
import java.util.Properties;
import org.apache.ibatis.datasource.DataSourceFactory;
import org.apache.ibatis.type.Alias;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MyBatis {@link DataSourceFactory} whose connections log in to Aurora DSQL or RDS PostgreSQL with
 * short-lived IAM auth tokens, for {@code mybatis-config.xml}:
 *
 * <pre>{@code
 * <dataSource type="dev.iamdb.mybatis.IamDataSourceFactory">
 *   <property name="url" value="jdbc:postgresql://your-cluster-id.dsql.us-east-1.on.aws:5432/postgres"/>
 *   <property name="username" value="app"/>
 *   <property name="pool.maximumPoolSize" value="10"/>
 * </dataSource>
 * }</pre>
 *
 * <p>Properties: {@code url}; {@code username} (or {@code user}); iamdb's own properties by their names
 * ({@code iamHost}, {@code iamRegion}, {@code awsProfile}, … see {@code docs/configuration.md});
 * HikariCP settings prefixed with {@code pool.}; JDBC driver properties prefixed with {@code driver.},
 * as with MyBatis' own data sources. Anything else fails, so that a misspelt or MyBatis-{@code POOLED}
 * setting is not silently ignored.
 *
 * <p>The data source is an {@link IamPooledDataSource}: a HikariCP pool that signs (or reuses) a token
 * for every new physical connection. MyBatis' {@code POOLED} type cannot do this: it keeps one fixed
 * password, so connections it opens after the first token expires (15 minutes) are refused.
 *
 * <p>The short name {@code IAMDB}, as MyBatis' own {@code POOLED}, works after one line in {@code <typeAliases>}:
 * {@code <typeAlias type="dev.iamdb.mybatis.IamDataSourceFactory"/>} registers this class under its {@link Alias},
 * and {@code <dataSource type="IAMDB">} then names it. MyBatis registers its own short names in code and has no
 * way for a library to add one.
 *
 * <p>MyBatis never closes a data source. Close it when the application stops:
 * {@code ((IamPooledDataSource) sqlSessionFactory.getConfiguration().getEnvironment().getDataSource()).close()}.
 * Each {@code <environment>} gets its own factory, pool, credentials and tokens.
 */
@Alias("IAMDB")
public class IamDataSourceFactory implements DataSourceFactory {
    private static final String POOL_PREFIX = "pool.";
    private static final String DRIVER_PREFIX = "driver.";

    /** Settings of MyBatis' UNPOOLED and POOLED data sources that this factory replaces, with what to use instead. */
    private static final Map<String, String> MYBATIS_SETTINGS = Map.ofEntries(
            // No driver list here: core decides from the url which target driver to use, and keeps that list to itself.
            Map.entry("driver", "iamdb connects through the JDBC driver on the class path that accepts the url; remove it"),
            Map.entry("autoCommit", "use pool.autoCommit"),
            Map.entry("defaultTransactionIsolationLevel", "use pool.transactionIsolation, such as TRANSACTION_READ_COMMITTED"),
            Map.entry("defaultNetworkTimeout", "use the driver's own setting, such as driver.socketTimeout"),
            Map.entry("poolMaximumActiveConnections", "use pool.maximumPoolSize"),
            Map.entry("poolMaximumIdleConnections", "use pool.minimumIdle and pool.idleTimeout"),
            Map.entry("poolMaximumCheckoutTime", "HikariCP never takes a connection back from its borrower; "
                    + "pool.leakDetectionThreshold reports long borrows"),
            Map.entry("poolTimeToWait", "use pool.connectionTimeout"),
            Map.entry("poolMaximumLocalBadConnectionTolerance", "HikariCP replaces a broken connection by itself; remove it"),
            Map.entry("poolPingEnabled", "HikariCP checks idle connections before handing them out; remove it"),
            Map.entry("poolPingQuery", "HikariCP checks connections with the driver's isValid(); remove it"),
            Map.entry("poolPingConnectionsNotUsedFor", "use pool.keepaliveTime"));

    private static final String MYBATIS_SPRING_FACTORY = "org.mybatis.spring.SqlSessionFactoryBean";
    private static final Logger log = LoggerFactory.getLogger(IamDataSourceFactory.class);

    private IamPooledDataSource dataSource;

    /**
     * Builds the pool from the {@code <property>} values, after MyBatis has resolved their
     * {@code ${…}} placeholders. The pool opens its first connection now, so a wrong setup fails when
     * the {@code SqlSessionFactory} is built.
     *
     * @throws IamConfigException when a property is unknown, belongs to MyBatis' own data sources, or an
     *         iamdb or pool setting is wrong; the message and {@link IamConfigException#property()} name it
     */
    @Override
    public final void setProperties(Properties properties) {
        if (dataSource != null) {
            throw new IllegalStateException("This IamDataSourceFactory is already configured: MyBatis creates one per <dataSource>.");
        }
        IamConfig.Builder config = IamConfig.builder();
        for (String name : properties.stringPropertyNames()) {
            String value = properties.getProperty(name);
            if (name.startsWith(POOL_PREFIX)) {
                // Core reads pool.* as HikariCP settings and pool.dataSource.* as driver properties.
                config.property(name, value);
            } else if (name.startsWith(DRIVER_PREFIX)) {
                config.property(name.substring(DRIVER_PREFIX.length()), value, name);
            } else if (name.equals("url")) {
                config.url(value);
            } else if (name.equals("username")) {
                config.property("user", value, name);
            } else if (name.equals("user") || name.equals("password") || IamProperty.isReserved(name)) {
                // iamdb's name space: core accepts its properties and explains what is wrong with the rest.
                config.property(name, value);
            } else if (MYBATIS_SETTINGS.containsKey(name)) {
                throw new IamConfigException(name, "Property '" + name + "' ('" + value + "') of MyBatis' own data sources is not used by "
                        + IamDataSourceFactory.class.getSimpleName() + ": " + MYBATIS_SETTINGS.get(name) + ".");
            } else {
                throw new IamConfigException(name, "Unknown property '" + name + "' for " + IamDataSourceFactory.class.getSimpleName()
                        + ". Accepted: url, username, the iamdb properties (" + iamdbPropertyNames()
                        + "), pool.<HikariCP setting> such as pool.maximumPoolSize, and driver.<JDBC driver property> such as driver.ApplicationName.");
            }
        }
        String user = properties.getProperty("user");
        String username = properties.getProperty("username");
        if (user != null && username != null && !user.equals(username)) {
            throw new IamConfigException("username", "Properties username ('" + username + "') and user ('" + user
                    + "') name different database users; keep one.");
        }
        configure(config);
        IamConfig built = config.build();
        if (readByMybatisSpring()) {
            log.warn("mybatis-spring's SqlSessionFactoryBean is reading an <environment> of mybatis-config.xml that builds "
                    + "an iamdb pool for {}@{}; it replaces that environment's data source with its own, so this pool is "
                    + "never used and never closed. Remove <environments> from the file and give SqlSessionFactoryBean "
                    + "an IamPooledDataSource (or a data source with a jdbc:iamdb: URL).", built.user(), built.signedHost());
        }
        dataSource = new IamPooledDataSource(built);
    }

    /**
     * Whether mybatis-spring is parsing the configuration file: it always swaps the parsed environment's data source for
     * the Spring one afterwards. Its class is looked for by name, as iamdb-mybatis does not depend on mybatis-spring.
     */
    private static boolean readByMybatisSpring() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().equals(MYBATIS_SPRING_FACTORY)));
    }

    /**
     * Adds to the configuration what {@code <property>} text cannot express, such as an
     * {@code AwsCredentialsProvider} instance the application builds itself, or a {@code Clock}.
     * Called after the properties are applied, before the configuration is validated; does nothing
     * unless overridden. MyBatis creates the factory by class name, so a subclass named in
     * {@code type="…"} needs a public no-argument constructor.
     */
    protected void configure(IamConfig.Builder config) {
    }

    /** The pool built by {@link #setProperties}; close it when the application stops. */
    @Override
    public final IamPooledDataSource getDataSource() {
        if (dataSource == null) {
            throw new IllegalStateException("Call setProperties first: it configures the IAM data source.");
        }
        return dataSource;
    }

    private static String iamdbPropertyNames() {
        StringBuilder names = new StringBuilder();
        for (IamProperty p : IamProperty.values()) {
            names.append(names.length() == 0 ? "" : ", ").append(p.propertyName());
        }
        return names.toString();
    }
}
