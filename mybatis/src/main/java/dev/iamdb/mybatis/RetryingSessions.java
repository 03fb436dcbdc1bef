package dev.iamdb.mybatis;

import dev.iamdb.TransactionRetry;
import java.util.Objects;
import java.util.function.Function;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/**
 * Runs a unit of work in its own {@link SqlSession} and transaction, and runs it again, in a new session, when Aurora
 * DSQL reports an optimistic-concurrency conflict at commit. MyBatis reports it as its {@code PersistenceException}
 * with the driver's {@code SQLException} as the cause, where {@link TransactionRetry} finds SQLSTATE 40001.
 *
 * <p>The work must have no effects outside the transaction: it may run more than once.
 */
public final class RetryingSessions {
    private RetryingSessions() {
    }

    /** {@link #inTransaction(SqlSessionFactory, TransactionRetry, Function)} with {@link TransactionRetry#create()}'s defaults. */
    public static <T> T inTransaction(SqlSessionFactory sessionFactory, Function<SqlSession, T> work) {
        return inTransaction(sessionFactory, TransactionRetry.create(), work);
    }

    /**
     * Opens a session without auto-commit, applies {@code work}, commits and closes; on a conflict, does it all again.
     * The commit is forced, so that work that only calls mappers' {@code select} methods also ends its transaction.
     *
     * @throws org.apache.ibatis.exceptions.PersistenceException the last conflict when the retries are used up, or any
     *         other failure at once
     */
    public static <T> T inTransaction(SqlSessionFactory sessionFactory, TransactionRetry retry, Function<SqlSession, T> work) {
        Objects.requireNonNull(sessionFactory, "sessionFactory");
        Objects.requireNonNull(work, "work");
        return retry.call(() -> {
            try (SqlSession session = sessionFactory.openSession(false)) {
                T result;
                try {
                    result = work.apply(session);
                } catch (RuntimeException | Error e) {
                    try {
                        session.rollback(true);
                    } catch (RuntimeException rollback) {
                        e.addSuppressed(rollback);
                    }
                    throw e;
                }
                session.commit(true);
                return result;
            }
        });
    }
}
