package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.IamConfigException;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.Test;

/**
 * How Hibernate finds the provider. A setting only iamdb rejects shows that iamdb was chosen, without
 * contacting a database.
 */
class ProviderSelectionTest {

    @Test
    void theClassNameSelectsIt() {
        assertThatThrownBy(() -> build(IamConnectionProvider.class.getName())).hasRootCauseInstanceOf(IamConfigException.class);
    }

    @Test
    void asTheOnlyRegisteredPoolIntegrationHibernateSelectsItWithoutProviderClass() {
        assertThatThrownBy(() -> build(null)).hasRootCauseInstanceOf(IamConfigException.class);
    }

    private static void build(String providerClass) {
        StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.url", "jdbc:postgresql://your-cluster-id.dsql.us-east-1.on.aws:5432/postgres")
                .applySetting("hibernate.connection.username", "admin")
                .applySetting("hibernate.connection.iamTokenLifetime", "0");
        if (providerClass != null) {
            registry.applySetting("hibernate.connection.provider_class", providerClass);
        }
        new MetadataSources(registry.build()).buildMetadata().buildSessionFactory();
    }
}
