package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.postgresql.PGConnection;
import org.junit.jupiter.api.Test;

/**
 * Aurora DSQL ends every session after a maximum duration (60 minutes; ended on demand here). The pool
 * notices the dead connection and opens a new one with a new login, so the application sees nothing.
 */
class MaxConnectionDurationTest {
    /** HikariCP reads this when a pool is created; a negative window makes it check every connection it hands out. */
    private static final String ALIVE_BYPASS_WINDOW = "com.zaxxer.hikari.aliveBypassWindowMs";

    @Test
    void aQueryAfterTheServerEndsTheSessionStillWorks() throws Exception {
        try (LocalIamDatabase db = LocalIamDatabase.builder().start()) {
            StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder()
                    .applySettings(Testkit.overrides(db))
                    .applySetting("hibernate.connection.provider_class", "iamdb")
                    .applySetting("hibernate.connection.username", "admin")
                    .applySetting("hibernate.hikari.maximumPoolSize", "1")
                    .applySetting("hibernate.hikari.minimumIdle", "1");
            try (SessionFactory sf = buildCheckingEveryBorrow(registry)) {
                int firstSession = backendPid(sf);
                Connection physical = pooledPhysicalConnection(sf);

                assertThat(db.endSessions()).as("the pooled connection's session, ended by the server").isEqualTo(1);
                assertThat(physical.isValid(1)).as("the server ended the pooled session").isFalse();

                assertThat(backendPid(sf)).isNotEqualTo(firstSession);
                assertThat(db.decisions()).hasSize(2).allMatch(AuthDecision::accepted);
            }
        }
    }

    /**
     * HikariCP hands out a connection used in the last 500 ms unchecked. A connection the server ends after sitting
     * idle in the pool is older than that; here the session ends right after use, so the pool must check every time.
     */
    private static SessionFactory buildCheckingEveryBorrow(StandardServiceRegistryBuilder registry) {
        String before = System.getProperty(ALIVE_BYPASS_WINDOW);
        // -1, not 0: HikariCP skips the check while less than the window has passed, and 0 ms can pass on a fast machine.
        System.setProperty(ALIVE_BYPASS_WINDOW, "-1");
        try {
            return new MetadataSources(registry.build()).buildMetadata().buildSessionFactory();
        } finally {
            if (before == null) {
                System.clearProperty(ALIVE_BYPASS_WINDOW);
            } else {
                System.setProperty(ALIVE_BYPASS_WINDOW, before);
            }
        }
    }

    private static int backendPid(SessionFactory sf) {
        return sf.fromTransaction(s -> s.createNativeQuery("select pg_backend_pid()", Integer.class).getSingleResult());
    }

    /** The pool's only connection, unwrapped from HikariCP's proxy and handed back to the pool. */
    private static Connection pooledPhysicalConnection(SessionFactory sf) throws Exception {
        IamConnectionProvider provider = sf.unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(org.hibernate.engine.jdbc.connections.spi.ConnectionProvider.class)
                .unwrap(IamConnectionProvider.class);
        try (Connection c = provider.getConnection()) {
            return (Connection) c.unwrap(PGConnection.class);
        }
    }
}
