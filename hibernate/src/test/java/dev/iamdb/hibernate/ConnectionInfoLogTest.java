package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's start-up "Database info" shows where and as whom iamdb logs in, and nothing logged on
 * the way (Hibernate, HikariCP, iamdb at debug level, the testkit) contains a token or a secret.
 * slf4j-simple writes to System.err; JBoss Logging is routed to SLF4J by the surefire configuration.
 */
class ConnectionInfoLogTest {
    private static final Identity IDENTITY = Identity.of("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Identity.DEFAULT_PRINCIPAL_ARN);

    @Test
    void startUpLogShowsTheIamLoginAndNoSecret() throws Exception {
        String log;
        try (LocalIamDatabase db = LocalIamDatabase.builder().identity(IDENTITY).start()) {
            log = captureStandardError(() -> {
                StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder()
                        .loadProperties(HibernatePropertiesTest.GUIDE_PROPERTIES)
                        .applySettings(Testkit.overrides(db));
                try (SessionFactory sf = new MetadataSources(registry.build()).buildMetadata().buildSessionFactory()) {
                    sf.inTransaction(s -> s.createNativeQuery("select 1", Integer.class).getSingleResult());
                }
            });
            assertThat(log)
                    .contains("Database info:")
                    .contains("Database JDBC URL [jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres?")
                    .contains("IAM login [service dsql, host " + db.endpoint() + ", region us-east-1, user admin]")
                    .contains("Pool: HikariCP iamdb admin@" + db.endpoint() + ", minimum 2, maximum 10, max lifetime 3300 s")
                    .contains("Signed an IAM token for user admin");
        }
        assertThat(log)
                .doesNotContain("X-Amz-Signature")
                .doesNotContain("X-Amz-Credential")
                .doesNotContain("Action=DbConnect")
                .doesNotContain(IDENTITY.secretAccessKey());
    }

    private static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
