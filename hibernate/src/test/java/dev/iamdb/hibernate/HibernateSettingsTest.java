package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void poolSettingsLoseTheirPrefixAndHibernatesConnectionSettingsMapToHikariNames() {
        Map<String, String> pool = HibernateSettings.poolSettings(Map.of(
                "hibernate.hikari.maximumPoolSize", "7",
                "hibernate.hikari.idleTimeout", 60000,
                "hibernate.connection.autocommit", "false",
                "hibernate.connection.isolation", "READ_COMMITTED",
                "hibernate.connection.url", URL));

        assertThat(pool).containsOnly(Map.entry("maximumPoolSize", "7"), Map.entry("idleTimeout", "60000"),
                Map.entry("autoCommit", "false"), Map.entry("transactionIsolation", "TRANSACTION_READ_COMMITTED"));
    }
}
