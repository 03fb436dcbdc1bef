package dev.iamdb.hibernate;

import dev.iamdb.TransactionRetry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import java.util.Objects;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * Runs a unit of work in its own {@link Session} or {@link EntityManager} and transaction, and runs it again, in a
 * new session, when Aurora DSQL reports an optimistic-concurrency conflict at commit. Hibernate and JPA report the
 * conflict as their own exceptions ({@code JDBCException}, {@code RollbackException}, {@code PessimisticLockException}…),
 * each carrying the driver's {@code SQLException} as its cause; {@link TransactionRetry} finds SQLSTATE 40001 there.
 *
 * <p>A new session per attempt matters: after a failed flush or commit, a session's entities no longer match the
 * database. The work must have no effects outside the transaction, and must not return managed entities it expects
 * to change later (the session is closed when this returns).
 */
public final class RetryingTransactions {
    private RetryingTransactions() {
    }

    /** {@link #inSession(SessionFactory, TransactionRetry, Function)} with {@link TransactionRetry#create()}'s defaults. */
    public static <T> T inSession(SessionFactory sessionFactory, Function<Session, T> work) {
        return inSession(sessionFactory, TransactionRetry.create(), work);
    }

    /**
     * Opens a session, begins a transaction, applies {@code work}, commits and closes; on a conflict, does it all
     * again.
     *
     * @throws RuntimeException Hibernate's or JPA's exception for the last conflict when the retries are used up, or for
     *         any other failure at once
     */
    public static <T> T inSession(SessionFactory sessionFactory, TransactionRetry retry, Function<Session, T> work) {
        Objects.requireNonNull(sessionFactory, "sessionFactory");
        Objects.requireNonNull(work, "work");
        return retry.call(() -> {
            try (Session session = sessionFactory.openSession()) {
                return once(session, work);
            }
        });
    }

    /** {@link #inEntityManager(EntityManagerFactory, TransactionRetry, Function)} with {@link TransactionRetry#create()}'s defaults. */
    public static <T> T inEntityManager(EntityManagerFactory entityManagerFactory, Function<EntityManager, T> work) {
        return inEntityManager(entityManagerFactory, TransactionRetry.create(), work);
    }

    /** As {@link #inSession(SessionFactory, TransactionRetry, Function)}, in JPA's terms (a resource-local transaction). */
    public static <T> T inEntityManager(EntityManagerFactory entityManagerFactory, TransactionRetry retry,
            Function<EntityManager, T> work) {
        Objects.requireNonNull(entityManagerFactory, "entityManagerFactory");
        Objects.requireNonNull(work, "work");
        return retry.call(() -> {
            EntityManager entityManager = entityManagerFactory.createEntityManager();
            try {
                return once(entityManager, work);
            } finally {
                entityManager.close();
            }
        });
    }

    private static <E extends EntityManager, T> T once(E entityManager, Function<E, T> work) {
        EntityTransaction transaction = entityManager.getTransaction();
        transaction.begin();
        try {
            T result = work.apply(entityManager);
            transaction.commit();
            return result;
        } catch (RuntimeException | Error e) {
            if (transaction.isActive()) {
                try {
                    transaction.rollback();
                } catch (RuntimeException rollback) {
                    e.addSuppressed(rollback);
                }
            }
            throw e;
        }
    }
}
