package dev.iamdb;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a unit of work in a transaction, and runs it again from the start when Aurora DSQL reports an
 * optimistic-concurrency conflict: SQLSTATE {@code 40001} anywhere in the failure's cause chain (including
 * {@link SQLException#getNextException()}), or {@code OC000} / {@code OC001} in an {@link SQLException}'s message.
 * Other failures reach the caller at once. Between attempts it pauses as its {@link RetryPolicy} says.
 *
 * <pre>{@code
 * TransactionRetry retry = TransactionRetry.create();
 * long id = retry.inTransaction(dataSource, connection -> insertOrder(connection));
 * }</pre>
 *
 * <p>A conflict means the transaction did not commit, so running it again is safe as long as the work has no
 * effects outside the transaction. A connection lost during COMMIT is different: the transaction may have
 * committed, so it is reported as {@link CommitOutcomeUnknownException} and never run again.
 *
 * <p>Immutable and thread-safe: one instance serves the whole application. Each retry is logged at DEBUG with the
 * SQLSTATE and attempt number, never the SQL or its parameters (drivers put parameter values in some messages).
 */
public final class TransactionRetry {
    private static final Logger log = LoggerFactory.getLogger(TransactionRetry.class);
    private static final String SERIALIZATION_FAILURE = "40001";
    private static final String[] DSQL_CONFLICT_CODES = {"OC000", "OC001"};
    /** Cause chains are short; the bound only protects against a chain that loops through a cause we cannot see. */
    private static final int MAX_CHAIN = 64;
    private static final Sleeper THREAD_SLEEP = pause -> TimeUnit.NANOSECONDS.sleep(pause.toNanos());

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final List<Listener> listeners;

    private TransactionRetry(RetryPolicy policy, Sleeper sleeper, DoubleSupplier random, List<Listener> listeners) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.listeners = listeners;
    }

    /** With {@link RetryPolicy#defaults()}. */
    public static TransactionRetry create() {
        return create(RetryPolicy.defaults());
    }

    public static TransactionRetry create(RetryPolicy policy) {
        return new TransactionRetry(policy, THREAD_SLEEP, () -> ThreadLocalRandom.current().nextDouble(), List.of());
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Pauses between attempts with {@code sleeper} instead of {@link Thread#sleep}; tests record the pauses instead. */
    public TransactionRetry withSleeper(Sleeper sleeper) {
        return new TransactionRetry(policy, sleeper, random, listeners);
    }

    /** Takes the jitter from {@code random}, which returns numbers from 0 (inclusive) to 1 (exclusive). */
    public TransactionRetry withRandom(DoubleSupplier random) {
        return new TransactionRetry(policy, sleeper, random, listeners);
    }

    /**
     * Also tells {@code listener} about every retry and how many attempts each unit of work took, after the listeners
     * given before. A listener that throws is logged and otherwise ignored: counting must never change what happens to
     * a transaction, nor keep the other listeners from hearing of it.
     */
    public TransactionRetry withListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        List<Listener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new TransactionRetry(policy, sleeper, random, List.copyOf(all));
    }

    /**
     * Takes a connection from {@code dataSource}, runs {@code work} in a transaction on it and commits; on a conflict
     * rolls back, closes the connection (a pool takes it back) and starts again with a connection from
     * {@code dataSource}.
     *
     * @return what the successful attempt returned
     * @throws CommitOutcomeUnknownException when the connection failed during COMMIT
     * @throws SQLException the last conflict when the retries are used up, or any other failure at once
     */
    public <T> T inTransaction(DataSource dataSource, SqlWork<T> work) throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(work, "work");
        return call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return once(connection, work);
            }
        });
    }

    /**
     * As {@link #inTransaction(DataSource, SqlWork)} on a connection the caller owns, which must be in auto-commit
     * mode (outside any transaction: retrying only the end of a larger transaction would be wrong). Auto-commit is
     * on again afterwards.
     *
     * @throws IllegalStateException when the connection is not in auto-commit mode
     */
    public <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        Objects.requireNonNull(work, "work");
        if (!connection.getAutoCommit()) {
            throw new IllegalStateException("The connection is not in auto-commit mode, so it may be inside a transaction "
                    + "of its own, and retrying only part of that would be wrong: pass a connection in auto-commit mode, "
                    + "or the DataSource.");
        }
        T result;
        try {
            result = call(() -> once(connection, work));
        } catch (SQLException | RuntimeException | Error e) {
            // On a connection that broke during COMMIT this fails too; it must not replace the failure that says so.
            try {
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        connection.setAutoCommit(true);
        return result;
    }

    /**
     * Runs {@code transaction}, which begins, does and commits one whole transaction (through a framework, say), and
     * runs it again on a conflict. This is what the framework helpers of iamdb's adapters are built on.
     *
     * @throws X the last conflict when the retries are used up, or any other failure at once
     */
    public <T, X extends Exception> T call(Attempt<T, X> transaction) throws X {
        Objects.requireNonNull(transaction, "transaction");
        for (int attempt = 1; ; attempt++) {
            T result;
            try {
                result = transaction.run();
            } catch (Exception failure) {
                String conflict = conflict(failure);
                if (conflict == null || attempt > policy.maxRetries()) {
                    finished(attempt, false);
                    throw failure;
                }
                Duration pause = policy.backoff(attempt, random.getAsDouble());
                log.debug("Transaction attempt {} failed with an optimistic-concurrency conflict (SQLSTATE {}); running it "
                        + "again in {} ms ({} of {} retries)", attempt, conflict, pause.toMillis(), attempt, policy.maxRetries());
                retrying(attempt, conflict, pause);
                try {
                    // A zero pause sleeps without looking at the interrupt flag.
                    if (Thread.interrupted()) {
                        throw new InterruptedException("interrupted before attempt " + (attempt + 1));
                    }
                    sleeper.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.addSuppressed(e);
                    finished(attempt, false);
                    throw failure;
                }
                continue;
            }
            // After the try: a listener's failure must not turn a committed transaction into a failed one.
            finished(attempt, true);
            return result;
        }
    }

    private void retrying(int failedAttempt, String conflict, Duration pause) {
        for (Listener l : listeners) {
            try {
                l.retrying(failedAttempt, conflict, pause);
            } catch (RuntimeException e) {
                log.warn("Transaction retry listener {} failed on a retry", l, e);
            }
        }
    }

    private void finished(int attempts, boolean committed) {
        for (Listener l : listeners) {
            try {
                l.finished(attempts, committed);
            } catch (RuntimeException e) {
                log.warn("Transaction retry listener {} failed on the end of a unit of work", l, e);
            }
        }
    }

    private static <T> T once(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        T result;
        try {
            result = work.run(connection);
        } catch (SQLException | RuntimeException | Error e) {
            rollback(connection, e);
            throw e;
        }
        try {
            connection.commit();
        } catch (SQLException e) {
            if (conflict(e) == null && mayHaveCommitted(e)) {
                throw new CommitOutcomeUnknownException(e);
            }
            // The database refused the commit (Aurora DSQL reports conflicts here), so nothing was committed.
            rollback(connection, e);
            throw e;
        }
        return result;
    }

    /**
     * Whether a failed COMMIT may still have committed: the connection broke (class 08) or the server ended the
     * session (57P01..57P03) before its answer arrived. Any other SQLSTATE is the server refusing the commit.
     */
    private static boolean mayHaveCommitted(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Whether {@code failure} is an optimistic-concurrency conflict that running the transaction again may resolve. */
    public static boolean isConflict(Throwable failure) {
        return conflict(failure) != null;
    }

    /** The conflict's SQLSTATE, with the DSQL code when the message has one ({@code "40001 OC000"}), or null. */
    private static String conflict(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> next = new ArrayDeque<>();
        next.add(failure);
        while (!next.isEmpty() && seen.size() < MAX_CHAIN) {
            Throwable t = next.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException sql) {
                String code = dsqlCode(sql.getMessage());
                // The code's text alone counts only without a SQLSTATE: a message may quote "(OC000)" as data.
                if (SERIALIZATION_FAILURE.equals(sql.getSQLState()) || (sql.getSQLState() == null && code != null)) {
                    return code == null ? sql.getSQLState() : sql.getSQLState() + " " + code;
                }
                addIfPresent(next, sql.getNextException());
            }
            addIfPresent(next, t.getCause());
        }
        return null;
    }

    private static void addIfPresent(Deque<Throwable> next, Throwable t) {
        if (t != null) {
            next.add(t);
        }
    }

    private static String dsqlCode(String message) {
        if (message != null) {
            for (String code : DSQL_CONFLICT_CODES) {
                if (message.contains("(" + code + ")")) {
                    return code;
                }
            }
        }
        return null;
    }

    /** Work done inside one transaction. It may run more than once, so it must have no effects outside it. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** One attempt at a whole transaction: begin, work, commit. */
    @FunctionalInterface
    public interface Attempt<T, X extends Exception> {
        T run() throws X;
    }

    /** Waits between attempts. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;
    }

    /** Told about retries, for metrics; called on the thread that runs the transaction. Both methods do nothing by default. */
    public interface Listener {
        /**
         * Attempt number {@code failedAttempt} ended in a conflict and the transaction runs again after {@code pause}.
         *
         * @param sqlState the conflict's SQLSTATE, followed by Aurora DSQL's code when the message had one ({@code 40001 OC000})
         */
        default void retrying(int failedAttempt, String sqlState, Duration pause) {
        }

        /** A unit of work ended after {@code attempts} attempts (1 when it needed no retry), committed or failed. */
        default void finished(int attempts, boolean committed) {
        }
    }
}
