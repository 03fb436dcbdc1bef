package dev.iamdb.hibernate;

import dev.iamdb.TransactionRetry;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;

/** The Hibernate and JPA retries of docs/aurora-dsql.md, run by {@link TransferRetryTest} against real conflicts. */
final class Transfers {
    private Transfers() {
    }

    /** Moves money between two accounts; on a conflict the whole transaction runs again in a new session. */
    static int transfer(SessionFactory sessionFactory, TransactionRetry retry, int from, int to, int amount) {
        return RetryingTransactions.inSession(sessionFactory, retry, session -> {
            session.get(Account.class, from).add(-amount);
            session.get(Account.class, to).add(amount);
            return amount;
        });
    }

    /** The same with JPA's EntityManager. */
    static int transferJpa(EntityManagerFactory entityManagerFactory, TransactionRetry retry, int from, int to, int amount) {
        return RetryingTransactions.inEntityManager(entityManagerFactory, retry, entityManager -> {
            entityManager.find(Account.class, from).add(-amount);
            entityManager.find(Account.class, to).add(amount);
            return amount;
        });
    }
}
