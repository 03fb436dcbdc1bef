package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** TransactionRetry and IamPooledDataSource against real conflicts: the testkit's DSQL mode. */
class TransactionConflictTest {
    static final int ACCOUNTS = 4;
    static final int OPENING_BALANCE = 1_000;

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void accounts() throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS account (id int PRIMARY KEY, balance int NOT NULL)");
            s.execute("GRANT ALL ON account TO admin");
            s.execute("DELETE FROM account");
            s.execute("INSERT INTO account SELECT id, " + OPENING_BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") id");
        }
    }

    static IamPooledDataSource pool(int size) {
        return new IamPooledDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "admin")
                .property("pool.maximumPoolSize", size)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey())))
                .build());
    }

    /** Counts retries and attempts, as the metrics will. */
    static final class Counts implements TransactionRetry.Listener {
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger committed = new AtomicInteger();
        final ConcurrentLinkedQueue<String> states = new ConcurrentLinkedQueue<>();

        @Override
        public void retrying(int failedAttempt, String sqlState, Duration pause) {
            retries.incrementAndGet();
            states.add(sqlState);
        }

        @Override
        public void finished(int attempts, boolean ok) {
            if (ok) {
                committed.incrementAndGet();
            }
        }
    }

    @Test
    void concurrentTransfersAllCommitExactlyOnce() throws Exception {
        Counts counts = new Counts();
        // Short pauses keep the test fast; many retries because 8 threads share 4 rows.
        TransactionRetry retry = TransactionRetry.create(RetryPolicy.defaults().withMaxRetries(50)
                .withInitialBackoff(Duration.ofMillis(2)).withMaxBackoff(Duration.ofMillis(40))).withListener(counts);
        int threads = 8;
        int perThread = 25;
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
        long started = System.nanoTime();
        try (IamPooledDataSource pool = pool(threads)) {
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<int[]> mine = transfers.subList(t * perThread, (t + 1) * perThread);
                done.add(executor.submit(() -> {
                    for (int[] transfer : mine) {
                        retry.inTransaction(pool, c -> transfer(c, transfer[0], transfer[1], transfer[2]));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // Throws if any transfer failed, a 40001 above all.
            }
            executor.shutdown();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        List<Integer> balances = balances();
        for (int id = 1; id <= ACCOUNTS; id++) {
            assertThat(balances.get(id - 1)).as("account %d", id).isEqualTo(OPENING_BALANCE + expected[id]);
        }
        assertThat(balances.stream().mapToInt(Integer::intValue).sum()).isEqualTo(ACCOUNTS * OPENING_BALANCE);
        assertThat(counts.committed).hasValue(threads * perThread);
        assertThat(counts.retries.get()).as("retries in %d ms", millis).isPositive();
        assertThat(counts.states).allMatch("40001 OC000"::equals);
        System.out.printf("%d transfers, %d retries, %d ms%n", threads * perThread, counts.retries.get(), millis);
    }

    /** HikariCP 7 evicts on 08xxx, 0A000, 57P0x and a few vendor codes; a conflict leaves the connection in the pool. */
    @Test
    void aConflictKeepsThePooledConnection() throws SQLException {
        Counts counts = new Counts();
        TransactionRetry retry = TransactionRetry.create().withSleeper(pause -> { }).withListener(counts);
        List<Integer> backends = new ArrayList<>();
        try (IamPooledDataSource pool = pool(1)) {
            retry.inTransaction(pool, c -> {
                backends.add(intQuery(c, "SELECT pg_backend_pid()"));
                intQuery(c, "SELECT balance FROM account WHERE id = 1"); // The snapshot a concurrent change conflicts with.
                if (backends.size() == 1) {
                    try (Connection other = db.adminConnection(); Statement s = other.createStatement()) {
                        s.executeUpdate("UPDATE account SET balance = balance + 1 WHERE id = 1");
                    }
                }
                return transfer(c, 1, 2, 10);
            });
        }

        assertThat(counts.retries).hasValue(1);
        assertThat(backends).hasSize(2);
        assertThat(backends.get(1)).isEqualTo(backends.get(0));
        assertThat(balances()).startsWith(OPENING_BALANCE + 1 - 10, OPENING_BALANCE + 10);
    }

    @Test
    void aCommitThatLosesItsConnectionIsNotRunAgain() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        try (IamPooledDataSource pool = pool(1)) {
            assertThatThrownBy(() -> TransactionRetry.create().withSleeper(pause -> { }).inTransaction(pool, c -> {
                attempts.incrementAndGet();
                transfer(c, 1, 2, 10);
                db.endSessions(); // The server goes away between the last statement and COMMIT.
                return null;
            })).isInstanceOf(CommitOutcomeUnknownException.class).hasMessageContaining("may or may not have committed");
        }

        assertThat(attempts).hasValue(1);
    }

    static int transfer(Connection c, int from, int to, int amount) throws SQLException {
        // Lower id first, as an application on PostgreSQL would; DSQL itself never waits for a row.
        int first = Math.min(from, to);
        int second = Math.max(from, to);
        for (int id : new int[] {first, second}) {
            try (PreparedStatement update = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
                update.setInt(1, id == from ? -amount : amount);
                update.setInt(2, id);
                update.executeUpdate();
            }
        }
        return amount;
    }

    static int intQuery(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<Integer> balances() throws SQLException {
        List<Integer> balances = new ArrayList<>();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT balance FROM account ORDER BY id")) {
            while (rs.next()) {
                balances.add(rs.getInt(1));
            }
        }
        return balances;
    }
}
