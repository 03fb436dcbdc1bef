package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.notes.Note;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** docs/hibernate.md's "In code" snippet, verbatim; url and credentialsProvider point at the testkit. */
@ExtendWith(LocalIamDatabaseExtension.class)
class InCodeSettingsTest {

    @Test
    void settingsGivenInCodeLogInWithACredentialsProviderInstance(LocalIamDatabase db) {
        String url = Testkit.url(db);
        AwsCredentialsProvider credentialsProvider = TestkitConfigs.credentials(db.identity());

        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.provider_class", "iamdb")
                .applySetting("hibernate.connection.url", url)
                .applySetting("hibernate.connection.username", "admin")
                // optional: an AwsCredentialsProvider instance instead of the default chain; your application closes it
                .applySetting("hibernate.connection.awsCredentialsProvider", credentialsProvider)
                .applySetting("hibernate.hikari.maximumPoolSize", "10")
                .build();
        SessionFactory sessionFactory = new MetadataSources(registry)
                .addAnnotatedClass(Note.class)
                .buildMetadata()
                .buildSessionFactory();

        try (sessionFactory) {
            String user = sessionFactory.fromTransaction(
                    s -> s.createNativeQuery("select current_user", String.class).getSingleResult());
            assertThat(user).isEqualTo("admin");
        }
        assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
    }
}
