package dev.iamdb.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testing.ConcurrentTransfers;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.SQLException;
import org.jooq.CloseableDSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IamDsl.transactionResult against real conflicts: concurrent transfers through the testkit's DSQL mode. */
class TransferRetryTest {
    static LocalIamDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalIamDatabase.builder().start();
        ConcurrentTransfers.createAccounts(db);
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
        ConcurrentTransfers transfers = new ConcurrentTransfers();
        try (CloseableDSLContext dsl = IamDsl.create(TestkitConfigs.config(db, "admin")
                .property("pool.maximumPoolSize", ConcurrentTransfers.THREADS).build())) {
            int retries = transfers.runAndCheck(db, (from, to, amount) -> Transfers.transfer(dsl, transfers.retry(), from, to, amount));
            System.out.printf("jOOQ: %d retries%n", retries);
        }
    }
}
