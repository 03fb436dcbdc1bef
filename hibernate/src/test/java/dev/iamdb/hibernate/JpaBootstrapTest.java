package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.notes.Note;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guide's persistence.xml through the JPA bootstrap; only the URL and credentials are overridden. */
@ExtendWith(LocalIamDatabaseExtension.class)
class JpaBootstrapTest {

    @Test
    void persistsAndQueriesThroughAnEntityManager(LocalIamDatabase db) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("jakarta.persistence.jdbc.url", Testkit.url(db));
        overrides.put("hibernate.connection.awsCredentialsProvider", TestkitConfigs.credentials(db.identity()));

        EntityManagerFactory emf = Persistence.createEntityManagerFactory("notes", overrides);
        try {
            EntityManager em = emf.createEntityManager();
            em.getTransaction().begin();
            em.createNativeQuery("create table note (id uuid primary key, text varchar(255))").executeUpdate();
            em.getTransaction().commit();
            em.getTransaction().begin();
            Note note = new Note("from JPA");
            em.persist(note);
            em.getTransaction().commit();
            em.clear();

            String text = em.createQuery("select n.text from Note n where n.id = :id", String.class)
                    .setParameter("id", note.getId()).getSingleResult();
            Object user = em.createNativeQuery("select current_user").getSingleResult();
            em.close();

            assertThat(text).isEqualTo("from JPA");
            assertThat(user).isEqualTo("admin");
            assertThat(emf.unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class).getServiceRegistry()
                    .requireService(org.hibernate.engine.jdbc.connections.spi.ConnectionProvider.class))
                    .isInstanceOf(IamConnectionProvider.class);
            assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
        } finally {
            emf.close();
        }
    }
}
