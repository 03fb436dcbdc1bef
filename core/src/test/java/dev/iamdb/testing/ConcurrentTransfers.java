package dev.iamdb.testing;

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

/**
 * The proof each framework's retry helper gives against the testkit's real conflicts: many concurrent transfers
 * between a few accounts, after which every balance is exactly what each transfer applied once gives, no conflict
 * reached the application, and conflicts did happen (retries were counted).
 */
public final class ConcurrentTransfers {
    public static final int ACCOUNTS = 4;
    public static final int OPENING_BALANCE = 1_000;
    public static final int THREADS = 8;
    private static final int PER_THREAD = 20;

    /** Moves {@code amount} from one account to another, in one transaction run again on a conflict. */
    @FunctionalInterface
    public interface Transfer {
        void move(int from, int to, int amount) throws Exception;
    }

    private final AtomicInteger retries = new AtomicInteger();
    private final TransactionRetry retry = TransactionRetry.create(RetryPolicy.defaults().withMaxRetries(50)
            .withInitialBackoff(Duration.ofMillis(2)).withMaxBackoff(Duration.ofMillis(40)))
            .withListener(new TransactionRetry.Listener() {
                @Override
                public void retrying(int failedAttempt, String sqlState, Duration pause) {
                    retries.incrementAndGet();
                }
            });

    /** Creates the account table, for {@code admin}. */
    public static void createAccounts(LocalIamDatabase db) throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)");
            s.execute("GRANT ALL ON account TO admin");
        }
        openAccounts(db);
    }

    /** Every account back at its opening balance. */
    public static void openAccounts(LocalIamDatabase db) throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM account");
            s.execute("INSERT INTO account SELECT id, " + OPENING_BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") id");
        }
    }

    /** The retry the transfers use: many quick attempts, each counted. */
    public TransactionRetry retry() {
        return retry;
    }

    /**
     * Runs the transfers on {@link #THREADS} threads and checks every balance, the total and that there were retries.
     *
     * @return how many retries there were, for the test's report
     */
    public int runAndCheck(LocalIamDatabase db, Transfer transfer) throws Exception {
        int[] expected = new int[ACCOUNTS + 1];
        List<int[]> transfers = new ArrayList<>();
        Random random = new Random(17);
        for (int i = 0; i < THREADS * PER_THREAD; i++) {
            int from = 1 + random.nextInt(ACCOUNTS);
            int to = 1 + (from + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            int amount = 1 + random.nextInt(50);
            transfers.add(new int[] {from, to, amount});
            expected[from] -= amount;
            expected[to] += amount;
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<int[]> mine = transfers.subList(t * PER_THREAD, (t + 1) * PER_THREAD);
                done.add(executor.submit(() -> {
                    for (int[] x : mine) {
                        transfer.move(x[0], x[1], x[2]);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // Throws if any transfer failed, a 40001 above all.
            }
        } finally {
            executor.shutdownNow();
        }
        int sum = 0;
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, balance FROM account ORDER BY id")) {
            while (rs.next()) {
                assertThat(rs.getInt(2)).as("account %d", rs.getInt(1)).isEqualTo(OPENING_BALANCE + expected[rs.getInt(1)]);
                sum += rs.getInt(2);
            }
        }
        assertThat(sum).isEqualTo(ACCOUNTS * OPENING_BALANCE);
        assertThat(retries.get()).as("conflicts retried").isPositive();
        return retries.get();
    }
}
