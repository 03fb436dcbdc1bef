package dev.iamdb;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Paces the logins of one {@link IamDataSource#getConnection()} call that the server refused for its connection
 * quotas, within the login timeout. A fleet that starts at once is what exceeds Aurora DSQL's connection rate, so
 * the pauses carry much jitter: clients refused together must not come back together.
 */
final class LoginBackoff {
    /** Without a login timeout, as long as HikariCP waits for a connection by default. */
    static final Duration NO_TIMEOUT_BUDGET = Duration.ofSeconds(30);
    private static final RetryPolicy PACE = RetryPolicy.defaults().withInitialBackoff(Duration.ofMillis(50))
            .withMaxBackoff(Duration.ofSeconds(1)).withJitter(0.5);

    private final long start;
    private final Duration budget;
    private final String budgetText;
    private int refusals;

    /** {@code start} is when {@code getConnection} was called ({@link System#nanoTime()}): the budget counts from there. */
    LoginBackoff(int loginTimeoutSeconds, long start) {
        this.start = start;
        this.budget = loginTimeoutSeconds > 0 ? Duration.ofSeconds(loginTimeoutSeconds) : NO_TIMEOUT_BUDGET;
        this.budgetText = loginTimeoutSeconds > 0 ? "within the login timeout of " + loginTimeoutSeconds + " s"
                : "for up to " + NO_TIMEOUT_BUDGET.toSeconds() + " s (no login timeout is set)";
    }

    /**
     * Waits before the next login, or throws when that wait would end after the login timeout.
     *
     * @param refused the server's refusal, which becomes the cause of the exception thrown on giving up
     * @param host    the host named in that exception
     */
    void pause(SQLException refused, String host) throws SQLException {
        refusals++;
        Duration pause = PACE.backoff(Math.min(refusals, 30), ThreadLocalRandom.current().nextDouble());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (elapsed.plus(pause).compareTo(budget) > 0) {
            throw new SQLException(host + " refused " + refusals + (refusals == 1 ? " login" : " logins")
                    + " because too many connections are being opened (SQLSTATE " + refused.getSQLState() + ": "
                    + refused.getMessage() + "). iamdb backed off and tried again for " + elapsed.toMillis()
                    + " ms, " + budgetText + ". Open fewer connections at once "
                    + "(a smaller minimumIdle, fewer instances starting together) or allow more time (the pool's "
                    + "connectionTimeout sets the login timeout).", refused.getSQLState(), refused);
        }
        try {
            TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SQLException interrupted = new SQLException("Interrupted while waiting to log in to " + host
                    + " again after it refused a login for its connection rate.", "08001", e);
            interrupted.addSuppressed(refused);
            throw interrupted;
        }
    }
}
