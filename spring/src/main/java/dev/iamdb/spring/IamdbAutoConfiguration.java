package dev.iamdb.spring;

import dev.iamdb.IamDriver;
import dev.iamdb.TransactionRetry;
import dev.iamdb.micrometer.IamMetrics;
import org.springframework.aop.Advisor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.annotation.Transactional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Spring Boot auto-configuration for {@code jdbc:iamdb:} URLs in {@code spring.datasource.url},
 * {@code spring.flyway.url} and {@code spring.liquibase.url}.
 *
 * <p>The context gets its own {@link IamDriver}, closed with the context, so that its token providers and
 * credentials providers are released on shutdown (and on every DevTools restart) instead of staying in the driver
 * registered with {@code DriverManager}. Boot's HikariCP pool and the data sources Boot builds for Flyway and Liquibase
 * connect through it, with the {@code iamdb.*} properties and a single {@link AwsCredentialsProvider} bean, if the
 * context has one, as connection settings; {@code spring.datasource.hikari.*} applies as before.
 *
 * <p>With Boot's actuator, iamdb's meters are bound to the application's registry and an {@code iamdb} health
 * contributor reports whether the credentials of every configuration in use resolve (Boot 4).
 *
 * <p>With {@code iamdb.retry.enabled=true}, every {@link Transactional @Transactional} method that starts a
 * transaction runs again, as a whole, when Aurora DSQL reports an optimistic-concurrency conflict (see
 * {@link TransactionRetry}).
 */
@AutoConfiguration
@ConditionalOnClass(SimpleDriverDataSource.class)
public class IamdbAutoConfiguration {
    /** The context's driver, whose providers {@link IamDriver#close()} releases when the context closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    IamDriver iamdbDriver() {
        return new IamDriver();
    }

    /** Static, as a post-processor must be; its collaborators are looked up only when a data source needs them. */
    @Bean
    static IamdbDataSourcePostProcessor iamdbDataSourcePostProcessor(ObjectProvider<IamDriver> driver,
            ObjectProvider<AwsCredentialsProvider> credentials, Environment environment) {
        return new IamdbDataSourcePostProcessor(driver, credentials, environment);
    }

    /**
     * iamdb-micrometer's meters ({@code iamdb.tokens.signed}, {@code iamdb.signing}, …) as a {@code MeterBinder} bean,
     * which Boot's actuator binds to every registry of the application.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder", "dev.iamdb.micrometer.IamMetrics"})
    static class MetricsConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        IamMetrics iamdbMetrics() {
            return new IamMetrics();
        }
    }

    /**
     * The {@code iamdb} health contributor, on Boot 4's health API: Boot 3.5's lives in another package and artifact,
     * which this starter is not compiled against.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "iamdbHealthIndicator")
        HealthIndicator iamdbHealthIndicator() {
            return new IamdbHealthIndicator();
        }
    }

    /** The retry advice, only when switched on: it changes what a failing transaction does. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Transactional.class)
    @ConditionalOnProperty(name = "iamdb.retry.enabled", havingValue = "true")
    static class TransactionRetryConfiguration {
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor iamdbTransactionRetryAdvisor() {
            return TransactionRetryAdvice.advisor(TransactionRetry.create());
        }
    }
}
