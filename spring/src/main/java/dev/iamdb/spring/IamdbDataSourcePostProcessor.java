package dev.iamdb.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamDriver;
import java.util.Properties;
import javax.sql.DataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.ClassUtils;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Points the data sources Boot builds for {@code jdbc:iamdb:} URLs at the context's {@link IamDriver}, with the
 * {@code iamdb.*} properties and the credentials bean as connection settings: Boot's HikariCP pool (which would
 * otherwise use the driver registered with {@code DriverManager}) and the {@link SimpleDriverDataSource} Boot builds
 * for a separate {@code spring.flyway.url} or {@code spring.liquibase.url} (which would otherwise create a driver of its
 * own that nothing closes).
 *
 * <p>Runs before initialisation: after Boot has bound {@code spring.datasource.hikari.*} onto the pool, and before
 * Liquibase, which migrates while its bean initialises.
 */
final class IamdbDataSourcePostProcessor implements BeanPostProcessor {
    private static final boolean HIKARI = present("com.zaxxer.hikari.HikariDataSource");
    private static final boolean FLYWAY = present("org.flywaydb.core.Flyway");
    private static final boolean LIQUIBASE = present("liquibase.integration.spring.SpringLiquibase");

    private final ObjectProvider<IamDriver> driver;
    private final ObjectProvider<AwsCredentialsProvider> credentials;
    private final Environment environment;

    IamdbDataSourcePostProcessor(ObjectProvider<IamDriver> driver, ObjectProvider<AwsCredentialsProvider> credentials,
                                 Environment environment) {
        this.driver = driver;
        this.credentials = credentials;
        this.environment = environment;
    }

    /**
     * The context's driver, claimed for this context before any connection goes through it: a connection opened while
     * the context starts (Flyway, Hibernate) must already count as this context's in the meters of another.
     */
    private IamDriver contextDriver() {
        return ContextProviders.claim(driver.getObject());
    }

    private static boolean present(String className) {
        return ClassUtils.isPresent(className, IamdbDataSourcePostProcessor.class.getClassLoader());
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (HIKARI && bean instanceof DataSource) {
            Hikari.configure(bean, this);
        } else if (FLYWAY && FlywaySupport.handles(bean)) {
            FlywaySupport.configure(bean, this);
        } else if (LIQUIBASE && LiquibaseSupport.handles(bean)) {
            LiquibaseSupport.configure(bean, this);
        }
        return bean;
    }

    /** What every connection of the context's {@code jdbc:iamdb:} data sources carries besides user and password. */
    private Properties settings(Properties given) {
        Properties settings = new Properties();
        if (given != null) {
            settings.putAll(given);
        }
        settings.putAll(IamdbSettings.read(environment));
        if (!settings.containsKey("awsCredentialsProvider") && !settings.containsKey("awsProfile")) {
            AwsCredentialsProvider bean = credentials.getIfUnique();
            if (bean != null) {
                settings.put("awsCredentialsProvider", bean);
            }
        }
        return settings;
    }

    /** Only loaded when HikariCP is on the class path. */
    private static final class Hikari {
        static void configure(Object bean, IamdbDataSourcePostProcessor owner) {
            if (!(bean instanceof HikariDataSource pool) || pool.getDataSource() != null
                    || !IamdbEnvironmentPostProcessor.isIamdbUrl(pool.getJdbcUrl())) {
                return;
            }
            // HikariCP ignores data-source-properties once it is given a DataSource, so they move to the driver's.
            SimpleDriverDataSource connections = new SimpleDriverDataSource(owner.contextDriver(), pool.getJdbcUrl());
            connections.setConnectionProperties(owner.settings(pool.getDataSourceProperties()));
            pool.setDataSource(connections);
        }
    }

    /** Only loaded when Flyway is on the class path. */
    private static final class FlywaySupport {
        static boolean handles(Object bean) {
            return bean instanceof Flyway;
        }

        static void configure(Object bean, IamdbDataSourcePostProcessor owner) {
            owner.useContextDriver(((Flyway) bean).getConfiguration().getDataSource());
        }
    }

    /** Only loaded when Liquibase is on the class path. */
    private static final class LiquibaseSupport {
        static boolean handles(Object bean) {
            return bean instanceof SpringLiquibase;
        }

        static void configure(Object bean, IamdbDataSourcePostProcessor owner) {
            owner.useContextDriver(((SpringLiquibase) bean).getDataSource());
        }
    }

    private void useContextDriver(DataSource dataSource) {
        if (dataSource instanceof SimpleDriverDataSource own && own.getDriver() instanceof IamDriver
                && IamdbEnvironmentPostProcessor.isIamdbUrl(own.getUrl())) {
            own.setDriver(contextDriver());
            own.setConnectionProperties(settings(own.getConnectionProperties()));
        }
    }
}
