package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.postgresql.PGConnection;
import org.junit.jupiter.api.Test;

/**
 * Aurora DSQL ends every session after a maximum duration (60 minutes; 2 seconds here). The pool
 * notices the dead connection and opens a new one with a new login, so the application sees nothing.
 */
class MaxConnectionDurationTest {

    @Test
    void aQueryAfterTheServerEndsTheSessionStillWorks() throws Exception {
        try (LocalIamDatabase db = LocalIamDatabase.builder().maxConnectionDuration(Duration.ofSeconds(2)).start()) {
            StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder()
                    .applySettings(Testkit.overrides(db))
                    .applySetting("hibernate.connection.provider_class", "iamdb")
                    .applySetting("hibernate.connection.username", "admin")
                    .applySetting("hibernate.hikari.maximumPoolSize", "1")
                    .applySetting("hibernate.hikari.minimumIdle", "1");
            try (SessionFactory sf = new MetadataSources(registry.build()).buildMetadata().buildSessionFactory()) {
                int firstSession = backendPid(sf);
                Connection physical = pooledPhysicalConnection(sf);

                Instant deadline = Instant.now().plusSeconds(10);
                while (physical.isValid(1) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(100);
                }
                assertThat(physical.isValid(1)).as("the server ended the pooled session").isFalse();

                assertThat(backendPid(sf)).isNotEqualTo(firstSession);
                assertThat(db.decisions()).hasSizeGreaterThanOrEqualTo(2).allMatch(AuthDecision::accepted);
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
