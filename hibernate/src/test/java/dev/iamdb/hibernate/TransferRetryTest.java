package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.RetryPolicy;
import dev.iamdb.TransactionRetry;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    static final int ACCOUNTS = 4;
    static final int OPENING_BALANCE = 1_000;
    static LocalIamDatabase db;
    static SessionFactory sessionFactory;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().start();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)");
            s.execute("GRANT ALL ON account TO admin");
        }
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
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM account");
            s.execute("INSERT INTO account SELECT id, " + OPENING_BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") id");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Session", "EntityManager"})
    void concurrentTransfersCommitExactlyOnceWithoutAVisibleConflict(String api) throws Exception {
        AtomicInteger retries = new AtomicInteger();
        TransactionRetry retry = TransactionRetry.create(RetryPolicy.defaults().withMaxRetries(50)
                .withInitialBackoff(Duration.ofMillis(2)).withMaxBackoff(Duration.ofMillis(40)))
                .withListener(new TransactionRetry.Listener() {
                    @Override
                    public void retrying(int failedAttempt, String sqlState, Duration pause) {
                        retries.incrementAndGet();
                    }
                });
        int threads = 8;
        int perThread = 20;
        int[] expected = new int[ACCOUNTS + 1];
        List<int[]> transfers = new ArrayList<>();
        Random random = new Random(17);
        for (int i = 0; i < threads * perThread; i++) {
            int from = 1 + random.nextInt(ACCOUNTS);
            int to = 1 + (from + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            int amount = 1 + random.nextInt(50);
            transfers.add(new int[] {from, to, amount});
            expected[from] -= amount;
            expected[to] += amount;
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<int[]> mine = transfers.subList(t * perThread, (t + 1) * perThread);
            done.add(executor.submit(() -> mine.forEach(x -> {
                if (api.equals("Session")) {
                    Transfers.transfer(sessionFactory, retry, x[0], x[1], x[2]);
                } else {
                    Transfers.transferJpa(sessionFactory, retry, x[0], x[1], x[2]);
                }
            })));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS); // Throws if any transfer failed, a 40001 above all.
        }
        executor.shutdown();

        int sum = 0;
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, balance FROM account ORDER BY id")) {
            while (rs.next()) {
                assertThat(rs.getInt(2)).as("account %d", rs.getInt(1)).isEqualTo(OPENING_BALANCE + expected[rs.getInt(1)]);
                sum += rs.getInt(2);
            }
        }
        assertThat(sum).isEqualTo(ACCOUNTS * OPENING_BALANCE);
        assertThat(retries.get()).isPositive();
        System.out.printf("Hibernate %s: %d transfers, %d retries%n", api, threads * perThread, retries.get());
    }
}
