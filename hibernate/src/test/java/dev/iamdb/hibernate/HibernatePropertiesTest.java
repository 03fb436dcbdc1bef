package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.notes.Note;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guide's hibernate.properties, pointed at the local IAM database (URL and credentials overridden). */
@ExtendWith(LocalIamDatabaseExtension.class)
class HibernatePropertiesTest {
    static final String GUIDE_PROPERTIES = "docs/hibernate.properties";

    private static SessionFactory sessionFactory;

    @BeforeAll
    static void start(LocalIamDatabase db) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .loadProperties(GUIDE_PROPERTIES)
                .applySettings(Testkit.overrides(db))
                .build();
        sessionFactory = new MetadataSources(registry).addAnnotatedClass(Note.class).buildMetadata().buildSessionFactory();
        sessionFactory.inTransaction(s -> s.createNativeMutationQuery(
                "create table note (id uuid primary key, text varchar(255))").executeUpdate());
    }

    @AfterAll
    static void stop() {
        sessionFactory.close();
    }

    @Test
    void usesTheIamProviderSelectedByItsShortName() {
        ConnectionProvider provider = sessionFactory.unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(ConnectionProvider.class);

        assertThat(provider).isInstanceOf(IamConnectionProvider.class);
    }

    @Test
    void createsReadsUpdatesAndDeletesEntities(LocalIamDatabase db) {
        Note note = new Note("first");
        sessionFactory.inTransaction(s -> s.persist(note));

        sessionFactory.inTransaction(s -> s.find(Note.class, note.getId()).setText("edited"));
        String text = sessionFactory.fromTransaction(s -> s.find(Note.class, note.getId()).getText());
        sessionFactory.inTransaction(s -> s.remove(s.find(Note.class, note.getId())));
        Note gone = sessionFactory.fromTransaction(s -> s.find(Note.class, note.getId()));

        assertThat(text).isEqualTo("edited");
        assertThat(gone).isNull();
        assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
    }

    @Test
    void runsQueries() {
        sessionFactory.inTransaction(s -> {
            s.persist(new Note("query alpha"));
            s.persist(new Note("query beta"));
        });

        List<String> texts = sessionFactory.fromTransaction(s -> s.createSelectionQuery(
                "select n.text from Note n where n.text like :prefix order by n.text", String.class)
                .setParameter("prefix", "query %").getResultList());
        Long count = sessionFactory.fromTransaction(s -> s.createSelectionQuery(
                "select count(n) from Note n where n.text like 'query %'", Long.class).getSingleResult());

        assertThat(texts).containsExactly("query alpha", "query beta");
        assertThat(count).isEqualTo(2);
    }

    @Test
    void logsInAsTheConfiguredUserWithTheGuidesDriverProperties() {
        Object[] row = sessionFactory.fromTransaction(s -> s.createNativeQuery(
                "select current_user, current_setting('application_name')", Object[].class).getSingleResult());

        assertThat(row).containsExactly("admin", "notes-service");
    }
}
