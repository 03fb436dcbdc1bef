package dev.iamdb.mybatis;

import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testing.ConcurrentTransfers;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.SQLException;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RetryingSessions against real conflicts: concurrent transfers through the testkit's DSQL mode. */
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
    void concurrentTransfersCommitExactlyOnceWithoutAVisibleConflict() throws Exception {
        ConcurrentTransfers transfers = new ConcurrentTransfers();
        try (IamPooledDataSource pool = new IamPooledDataSource(TestkitConfigs.config(db, "admin")
                .property("pool.maximumPoolSize", ConcurrentTransfers.THREADS).build())) {
            Configuration configuration = new Configuration(new Environment("app", new JdbcTransactionFactory(), pool));
            configuration.addMapper(AccountMapper.class);
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            int retries = transfers.runAndCheck(db, (from, to, amount) -> Transfers.transfer(sessions, transfers.retry(), from, to, amount));
            System.out.printf("MyBatis: %d retries%n", retries);
        }
    }
}
