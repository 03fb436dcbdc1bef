package dev.iamdb.examples;

import dev.iamdb.IamPooledDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * Hibernate, configured by {@code hibernate.properties} (beside this class): {@code iamdb-hibernate}'s
 * connection provider logs every new pooled connection in with an IAM token. See {@code docs/hibernate.md}.
 *
 * <pre>IAMDB_ENDPOINT=abc123.dsql.us-east-1.on.aws IAMDB_USER=app java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.HibernateExample</pre>
 */
public final class HibernateExample {
    private HibernateExample() {
    }

    public static void main(String[] args) {
        System.out.println(run(Target.fromCommandLine(args, System.getenv())));
    }

    /** Writes and reads a guestbook entry through a {@code SessionFactory} built from {@code hibernate.properties}. */
    public static Visit run(Target target) {
        Properties settings = Resources.properties("hibernate.properties");
        settings.putAll(Map.of("hibernate.connection.url", target.url(), "hibernate.connection.username", target.user()));
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder().applySettings(settings).build();
        SessionFactory sessions;
        try {
            sessions = new MetadataSources(registry).addAnnotatedClass(GuestbookEntry.class).buildMetadata().buildSessionFactory();
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
        try (sessions) {
            return signGuestbook(sessions, "Hibernate");
        }
    }

    /** The same work for Hibernate and JPA: a {@code SessionFactory} is an {@code EntityManagerFactory}. */
    static Visit signGuestbook(EntityManagerFactory factory, String author) {
        UUID id = UUID.randomUUID();
        String message = "Hello from " + author;
        factory.runInTransaction(em -> em.persist(new GuestbookEntry(id, author, message)));
        return factory.callInTransaction(em -> new Visit(
                (String) em.createNativeQuery("select current_user", String.class).getSingleResult(),
                em.find(GuestbookEntry.class, id).getMessage(),
                em.createQuery("select count(e) from GuestbookEntry e", Long.class).getSingleResult(),
                Optional.of(TokenCounts.of(pool(factory)))));
    }

    /** The iamdb pool behind Hibernate's connection provider. */
    private static IamPooledDataSource pool(EntityManagerFactory factory) {
        return factory.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(ConnectionProvider.class).unwrap(IamPooledDataSource.class);
    }
}
