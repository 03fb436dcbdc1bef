package dev.iamdb.mybatis;

import dev.iamdb.TransactionRetry;
import org.apache.ibatis.session.SqlSessionFactory;

/** The MyBatis retry of docs/aurora-dsql.md, run by {@link TransferRetryTest} against real conflicts. */
final class Transfers {
    private Transfers() {
    }

    /** Moves money between two accounts; on a conflict the whole transaction runs again in a new session. */
    static int transfer(SqlSessionFactory sessions, TransactionRetry retry, int from, int to, int amount) {
        return RetryingSessions.inTransaction(sessions, retry, session -> {
            AccountMapper accounts = session.getMapper(AccountMapper.class);
            accounts.add(from, -amount);
            accounts.add(to, amount);
            return amount;
        });
    }
}
