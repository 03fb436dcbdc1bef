package dev.iamdb.examples;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.util.Map;

/**
 * Jakarta Persistence with Hibernate, configured by {@code META-INF/persistence.xml} (unit {@code guestbook}),
 * which selects {@code iamdb-hibernate}'s connection provider. See {@code docs/hibernate.md}.
 *
 * <pre>IAMDB_ENDPOINT=abc123.dsql.us-east-1.on.aws IAMDB_USER=app java -cp examples/target/iamdb-demo.jar dev.iamdb.examples.JpaExample</pre>
 */
public final class JpaExample {
    private JpaExample() {
    }

    public static void main(String[] args) {
        System.out.println(run(Target.fromCommandLine(args, System.getenv())));
    }

    /** Writes and reads a guestbook entry through the {@code guestbook} persistence unit. */
    public static Visit run(Target target) {
        try (EntityManagerFactory factory = Persistence.createEntityManagerFactory("guestbook", Map.of(
                "jakarta.persistence.jdbc.url", target.url(),
                "jakarta.persistence.jdbc.user", target.user()))) {
            return HibernateExample.signGuestbook(factory, "JPA");
        }
    }
}
