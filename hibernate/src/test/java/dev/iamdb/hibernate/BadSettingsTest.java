package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.IamConfigException;
import java.time.Clock;
import java.util.Map;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.Test;

/** Mistakes fail SessionFactory creation with a message naming the setting; nothing is contacted. */
class BadSettingsTest {

    @Test
    void anOutOfRangeIamdbPropertyFailsWithCoresMessage() {
        assertThatThrownBy(() -> build(Map.of("hibernate.connection.iamTokenLifetime", "0")))
                .hasRootCauseInstanceOf(IamConfigException.class)
                .rootCause()
                .hasMessage("Invalid value '0' for property hibernate.connection.iamTokenLifetime: expected a whole number from 60 to 604800.");
    }

    @Test
    void aMisspeltIamdbPropertyFails() {
        assertThatThrownBy(() -> build(Map.of("hibernate.connection.iamregion", "us-east-1")))
                .rootCause()
                .hasMessageContaining("Unknown iamdb property 'hibernate.connection.iamregion'. Did you mean iamRegion?");
    }

    @Test
    void aHibernatePasswordFailsWithoutShowingIt() {
        assertThatThrownBy(() -> build(Map.of("hibernate.connection.password", "s3cr3t-value")))
                .rootCause()
                .hasMessageContaining("A password was configured (hibernate.connection.password), but iamdb logs in with IAM tokens")
                .message().doesNotContain("s3cr3t-value");
    }

    @Test
    void aJpaPasswordFails() {
        assertThatThrownBy(() -> build(Map.of("jakarta.persistence.jdbc.password", "s3cr3t-value")))
                .rootCause()
                .hasMessageContaining("A password was configured (jakarta.persistence.jdbc.password)");
    }

    /** As the jdbc:iamdb: driver does, by core's one rule: persistence.xml files often carry an empty password. */
    @Test
    void anEmptyJpaPasswordIsIgnored() {
        Map<String, Object> settings = Map.of(
                "jakarta.persistence.jdbc.url", "jdbc:postgresql://abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws/postgres",
                "jakarta.persistence.jdbc.user", "admin",
                "jakarta.persistence.jdbc.password", "");
        assertThat(HibernateSettings.iamConfig(settings, Clock.systemUTC()).user()).isEqualTo("admin");
    }

    @Test
    void aMissingUrlNamesTheHibernateSetting() {
        assertThatThrownBy(() -> new MetadataSources(new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.provider_class", "iamdb")
                .applySetting("hibernate.connection.username", "admin")
                .build()).buildMetadata().buildSessionFactory())
                .rootCause()
                .hasMessageContaining("No JDBC URL: set hibernate.connection.url (or jakarta.persistence.jdbc.url)");
    }

    /** The guide's settings plus one mistake; the guide's endpoint is never reached because configuration fails first. */
    private static void build(Map<String, Object> mistake) {
        StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder()
                .loadProperties(HibernatePropertiesTest.GUIDE_PROPERTIES)
                .applySettings(mistake);
        new MetadataSources(registry.build()).buildMetadata().buildSessionFactory();
    }
}
