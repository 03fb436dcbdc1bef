package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** Which Hibernate settings reach iamdb, pgjdbc and HikariCP, and under which names. */
class HibernateSettingsTest {
    private static final String URL = "jdbc:postgresql://abc.dsql.us-east-1.on.aws:5432/postgres";

    @Test
    void driverPropertiesPassThroughAndHibernatesOwnSettingsDoNot() {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "hibernate.connection.url", URL,
                "hibernate.connection.username", "app",
                "hibernate.connection.ApplicationName", "orders",
                "hibernate.connection.iamExpiration", "0",
                "hibernate.connection.driver_class", "org.postgresql.Driver",
                "hibernate.connection.pool_size", "5",
                "hibernate.connection.provider_class", "iamdb",
                "hibernate.connection.autocommit", "false",
                "hibernate.connection.handling_mode", "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION",
                "hibernate.show_sql", "true"));
        settings.put("hibernate.connection.provider_disables_autocommit", "true");

        IamConfig config = HibernateSettings.iamConfig(settings, Clock.systemUTC());

        assertThat(config.user()).isEqualTo("app");
        assertThat(config.expiration()).isZero();
        assertThat(config.driverProperties()).containsOnly(Map.entry("user", "app"), Map.entry("ApplicationName", "orders"));
    }

    @Test
    void jpaUrlAndUserAreRead() {
        IamConfig config = HibernateSettings.iamConfig(Map.of(
                "jakarta.persistence.jdbc.url", URL, "jakarta.persistence.jdbc.user", "admin"), Clock.systemUTC());

        assertThat(config.url()).isEqualTo(URL);
        assertThat(config.user()).isEqualTo("admin");
    }

    @Test
    void valuesOfTheirNaturalTypeAreUsedNotDropped() {
        IamConfig config = HibernateSettings.iamConfig(Map.of("hibernate.connection.url", URL, "hibernate.connection.username", "app",
                "hibernate.connection.iamTokenLifetime", 3600,
                "hibernate.connection.awsCredentialsProvider", AnonymousCredentialsProvider.class), Clock.systemUTC());

        assertThat(config.tokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(config.toString()).contains("awsCredentialsProvider " + AnonymousCredentialsProvider.class.getName());
    }

    @Test
    void hikariDataSourceSettingsGoToTheDriver() {
        IamConfig config = HibernateSettings.iamConfig(Map.of("hibernate.connection.url", URL, "hibernate.connection.username", "app",
                "hibernate.hikari.dataSource.ApplicationName", "orders", "hibernate.hikari.maximumPoolSize", 7), Clock.systemUTC());

        assertThat(config.driverProperties()).containsEntry("ApplicationName", "orders");
    }

    @Test
    void poolMistakesNameTheHibernateKey() {
        assertThatThrownBy(() -> HibernateSettings.iamConfig(Map.of("hibernate.connection.url", URL, "hibernate.connection.username", "app",
                "hibernate.hikari.maximumPoolSise", "7"), Clock.systemUTC()))
                .isInstanceOf(IamConfigException.class).hasMessageContaining("hibernate.hikari.maximumPoolSise");
        assertThatThrownBy(() -> HibernateSettings.iamConfig(Map.of("hibernate.connection.url", URL, "hibernate.connection.username", "app",
                "hibernate.hikari.jdbcUrl", URL), Clock.systemUTC()))
                .isInstanceOf(IamConfigException.class).hasMessageContaining("hibernate.hikari.jdbcUrl would let HikariCP");
    }
}
