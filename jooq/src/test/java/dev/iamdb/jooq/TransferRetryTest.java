package dev.iamdb.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.IamConfig;
import dev.iamdb.RetryPolicy;
import dev.iamdb.TransactionRetry;
import dev.iamdb.testing.TestkitConfigs;
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
import org.jooq.CloseableDSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** IamDsl.transactionResult against real conflicts: concurrent transfers through the testkit's DSQL mode. */
class TransferRetryTest {
    static final int ACCOUNTS = 4;
    static final int OPENING_BALANCE = 1_000;
    static LocalIamDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().start();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)");
            s.execute("GRANT ALL ON account TO admin");
            s.execute("INSERT INTO account SELECT id, " + OPENING_BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") id");
        }
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void insideATransactionTheRetryIsRefusedRatherThanRunInAnAbortedOne() {
        try (CloseableDSLContext dsl = IamDsl.create(TestkitConfigs.config(db, "admin").build())) {
            assertThatThrownBy(() -> dsl.transaction(tx -> IamDsl.transactionResult(tx.dsl(), inner -> 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside any transaction");
            int one = IamDsl.transactionResult(dsl, tx -> 1);
            assertThat(one).isEqualTo(1);
        }
    }

    @Test
    void concurrentTransfersCommitExactlyOnceWithoutAVisibleConflict() throws Exception {
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
        try (CloseableDSLContext dsl = IamDsl.create(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "admin")
                .property("pool.maximumPoolSize", threads)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey())))
                .build())) {
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<int[]> mine = transfers.subList(t * perThread, (t + 1) * perThread);
                done.add(executor.submit(() -> mine.forEach(x -> Transfers.transfer(dsl, retry, x[0], x[1], x[2]))));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // Throws if any transfer failed, a 40001 above all.
            }
            executor.shutdown();
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
        assertThat(retries.get()).isPositive();
        System.out.printf("jOOQ: %d transfers, %d retries%n", threads * perThread, retries.get());
    }
}
