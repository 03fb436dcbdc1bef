package dev.iamdb.spring;

import dev.iamdb.IamDriver;
import dev.iamdb.TransactionRetry;
import dev.iamdb.micrometer.IamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import org.springframework.aop.Advisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
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
 * contributor reports whether the credentials of every configuration in use resolve (on Boot 4's and on Boot 3.5's
 * health API). Both cover the configurations of this context's driver and of data sources the application builds,
 * but not those of another context's driver in the same JVM (see {@link ContextProviders}).
 *
 * <p>With {@code iamdb.retry.enabled=true}, every {@link Transactional @Transactional} method that starts a
 * transaction runs again, as a whole, when Aurora DSQL reports an optimistic-concurrency conflict (see
 * {@link TransactionRetry}); each retry is counted in {@code iamdb.transactions.retries} when iamdb-micrometer is on the
 * class path and the context has one (or a primary) {@code MeterRegistry}, and told to every
 * {@link TransactionRetry.Listener} bean.
 */
@AutoConfiguration
@ConditionalOnClass(SimpleDriverDataSource.class)
public class IamdbAutoConfiguration {
    /** The context's driver, whose providers {@link IamDriver#close()} releases when the context closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    IamDriver iamdbDriver() {
        return ContextProviders.claim(new IamDriver());
    }

    /** Which token providers this context's meters and health report. */
    @Bean
    ContextProviders iamdbContextProviders(IamDriver driver) {
        return new ContextProviders(driver);
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
        IamMetrics iamdbMetrics(ContextProviders providers) {
            return new IamMetrics(Tags.empty(), providers);
        }

        /**
         * Counts the retry advice's retries in {@code iamdb.transactions.retries}, in the application's registry (the
         * actuator's composite when there are several); none without a single registry.
         */
        @Bean
        @ConditionalOnProperty(name = "iamdb.retry.enabled", havingValue = "true")
        @ConditionalOnMissingBean(name = "iamdbTransactionRetryMeter")
        TransactionRetry.Listener iamdbTransactionRetryMeter(ObjectProvider<MeterRegistry> registry) {
            return new TransactionRetry.Listener() {
                @Override
                public void retrying(int failedAttempt, String sqlState, Duration pause) {
                    MeterRegistry r = registry.getIfUnique();
                    if (r != null) {
                        IamMetrics.retryListener(r).retrying(failedAttempt, sqlState, pause);
                    }
                }
            };
        }
    }

    /** The {@code iamdb} health contributor on Boot 4's health API ({@code spring-boot-health}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "iamdbHealthIndicator")
        HealthIndicator iamdbHealthIndicator(ContextProviders providers) {
            return new IamdbHealthIndicator(providers);
        }
    }

    /** The same contributor on Boot 3.5's health API, which lives in {@code spring-boot-actuator}'s old package. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot3HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "iamdbHealthIndicator")
        org.springframework.boot.actuate.health.HealthIndicator iamdbHealthIndicator(ContextProviders providers) {
            return new Boot3HealthIndicator(providers);
        }
    }

    /** The retry advice, only when switched on: it changes what a failing transaction does. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Transactional.class)
    @ConditionalOnProperty(name = "iamdb.retry.enabled", havingValue = "true")
    static class TransactionRetryConfiguration {
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor iamdbTransactionRetryAdvisor(ObjectProvider<TransactionRetry.Listener> listeners) {
            return TransactionRetryAdvice.advisor(TransactionRetry.create(), listeners);
        }
    }
}
