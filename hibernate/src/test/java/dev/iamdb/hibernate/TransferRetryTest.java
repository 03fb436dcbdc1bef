package dev.iamdb.hibernate;

import dev.iamdb.testing.ConcurrentTransfers;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.SQLException;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RetryingTransactions against real conflicts: concurrent transfers through the testkit's DSQL mode. Entities are read
 * and written back, so a conflict surfaces at flush, inside Hibernate's or JPA's commit and its exception types.
 */
class TransferRetryTest {
    static LocalIamDatabase db;
    static SessionFactory sessionFactory;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().start();
        ConcurrentTransfers.createAccounts(db);
        StandardServiceRegistryBuilder registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.provider_class", "iamdb")
                .applySetting("hibernate.connection.username", "admin")
                .applySetting("hibernate.hikari.maximumPoolSize", "8");
        Testkit.overrides(db).forEach(registry::applySetting);
        sessionFactory = new MetadataSources(registry.build()).addAnnotatedClass(Account.class).buildMetadata()
                .buildSessionFactory();
    }

    @AfterAll
    static void stop() {
        sessionFactory.close();
        db.close();
    }

    @BeforeEach
    void accounts() throws SQLException {
        ConcurrentTransfers.openAccounts(db);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Session", "EntityManager"})
    void concurrentTransfersCommitExactlyOnceWithoutAVisibleConflict(String api) throws Exception {
        ConcurrentTransfers transfers = new ConcurrentTransfers();
        int retries = transfers.runAndCheck(db, (from, to, amount) -> {
            if (api.equals("Session")) {
                Transfers.transfer(sessionFactory, transfers.retry(), from, to, amount);
            } else {
                Transfers.transferJpa(sessionFactory, transfers.retry(), from, to, amount);
            }
        });
        System.out.printf("Hibernate %s: %d retries%n", api, retries);
    }
}
