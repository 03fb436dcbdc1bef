package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two SessionFactories for two database roles in one JVM keep their own pools and logins. */
class TwoRolesTest {

    @RegisterExtension
    static LocalIamDatabaseExtension database = new LocalIamDatabaseExtension(LocalIamDatabase.builder().role("app"));

    @Test
    void eachSessionFactoryLogsInAsItsOwnRole(LocalIamDatabase db) {
        try (SessionFactory admin = sessionFactory(db, "admin"); SessionFactory app = sessionFactory(db, "app")) {
            assertThat(currentUser(admin)).isEqualTo("admin");
            assertThat(currentUser(app)).isEqualTo("app");
            assertThat(currentUser(admin)).isEqualTo("admin");
        }
    }

    private static SessionFactory sessionFactory(LocalIamDatabase db, String user) {
        Configuration configuration = new Configuration()
                .setProperty("hibernate.connection.provider_class", "iamdb")
                .setProperty("hibernate.connection.username", user)
                .setProperty("hibernate.hikari.maximumPoolSize", "1");
        Testkit.overrides(db).forEach(configuration.getProperties()::put);
        return configuration.buildSessionFactory();
    }

    private static String currentUser(SessionFactory sf) {
        return sf.fromTransaction(s -> s.createNativeQuery("select current_user", String.class).getSingleResult());
    }
}
