package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The retry decision, the backoff and the COMMIT rules, with a recording sleeper (nothing waits) and a fake connection
 * where a real one cannot fail on demand. {@link TransactionConflictTest} runs the retry against real conflicts.
 */
class TransactionRetryTest {
    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final TransactionRetry retry = TransactionRetry.create().withSleeper(pauses::add).withRandom(() -> 0.5)
            .withListener(new TransactionRetry.Listener() {
                @Override
                public void retrying(int failedAttempt, String sqlState, Duration pause) {
                    events.add("retry " + failedAttempt + " " + sqlState);
                }

                @Override
                public void finished(int attempts, boolean committed) {
                    events.add("finished " + attempts + " " + committed);
                }
            });

    private static SQLException conflict() {
        return new SQLException("ERROR: mutation conflicts with another transaction, retry as needed (OC000)", "40001");
    }

    @Test
    void defaultsAreTheDsqlConnectorsPractice() {
        RetryPolicy p = RetryPolicy.defaults();

        assertThat(p.maxRetries()).isEqualTo(3);
        assertThat(List.of(p.backoff(1, 0.5), p.backoff(2, 0.5), p.backoff(3, 0.5), p.backoff(7, 0.5), p.backoff(30, 0.5)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                        Duration.ofMillis(5000), Duration.ofMillis(5000));
        assertThat(p.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(75));
        assertThat(p.backoff(1, 0.999_999)).isBetween(Duration.ofMillis(124), Duration.ofMillis(125));
    }

    @Test
    void policyRejectsValuesThatMakeNoSense() {
        assertThatThrownBy(() -> RetryPolicy.defaults().withJitter(1.5)).hasMessageContaining("jitter: 1.5");
        assertThatThrownBy(() -> RetryPolicy.defaults().withMaxRetries(-1)).hasMessageContaining("maxRetries: -1");
        assertThatThrownBy(() -> RetryPolicy.defaults().withMultiplier(0.5)).hasMessageContaining("multiplier: 0.5");
        assertThatThrownBy(() -> RetryPolicy.defaults().withMaxBackoff(Duration.ofMillis(10)))
                .hasMessageContaining("maxBackoff PT0.01S").hasMessageContaining("initialBackoff PT0.1S");
        assertThatThrownBy(() -> RetryPolicy.defaults().withInitialBackoff(Duration.ofSeconds(10)))
                .hasMessageContaining("raise maxBackoff first");
        assertThatThrownBy(() -> RetryPolicy.defaults().withMaxBackoff(Duration.ofDays(400_000)))
                .hasMessageContaining("must be at most PT1H");
        assertThat(RetryPolicy.defaults().backoff(1, -3.0)).as("a random value out of range is clamped").isPositive();
    }

    /** Counting must never change a transaction's outcome: a committed unit of work reported as failed invites a repeat. */
    @Test
    void aListenerThatThrowsChangesNothingAndTheListenersAfterItAreStillTold() throws SQLException {
        AtomicInteger brokenCalls = new AtomicInteger();
        TransactionRetry.Listener broken = new TransactionRetry.Listener() {
            @Override
            public void retrying(int failedAttempt, String sqlState, Duration pause) {
                brokenCalls.incrementAndGet();
                throw new IllegalStateException("a broken meter");
            }

            @Override
            public void finished(int attempts, boolean committed) {
                brokenCalls.incrementAndGet();
                throw new IllegalStateException("a broken meter");
            }
        };
        List<String> after = new ArrayList<>();
        TransactionRetry withBroken = TransactionRetry.create().withSleeper(pauses::add).withListener(broken)
                .withListener(new TransactionRetry.Listener() {
                    @Override
                    public void retrying(int failedAttempt, String sqlState, Duration pause) {
                        after.add("retry " + failedAttempt);
                    }

                    @Override
                    public void finished(int attempts, boolean committed) {
                        after.add("finished " + attempts + " " + committed);
                    }
                });
        AtomicInteger attempts = new AtomicInteger();

        String result = withBroken.call(() -> {
            if (attempts.incrementAndGet() < 2) {
                throw conflict();
            }
            return "committed";
        });

        assertThat(result).isEqualTo("committed");
        assertThat(attempts).hasValue(2);
        assertThat(brokenCalls).as("both listeners are told, the broken one first").hasValue(2);
        assertThat(after).containsExactly("retry 1", "finished 2 true");
    }

    @Test
    void aListenerThatThrowsOnTheCommitDoesNotTurnItIntoAFailure() {
        AtomicInteger runs = new AtomicInteger();
        TransactionRetry withBroken = TransactionRetry.create().withListener(new TransactionRetry.Listener() {
            @Override
            public void finished(int attempts, boolean committed) {
                throw new IllegalStateException("a broken meter");
            }
        });

        assertThat(withBroken.call(() -> "committed " + runs.incrementAndGet())).isEqualTo("committed 1");
    }

    @Test
    void conflictsAreRetriedWithGrowingPausesUntilTheWorkSucceeds() {
        AtomicInteger attempts = new AtomicInteger();

        String result = retry.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("framework wrapper", conflict());
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(events).containsExactly("retry 1 40001 OC000", "retry 2 40001 OC000", "finished 3 true");
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastConflict() {
        AtomicInteger attempts = new AtomicInteger();
        SQLException last = conflict();

        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw last;
        })).isSameAs(last);

        assertThat(attempts).hasValue(4);
        assertThat(pauses).hasSize(3);
        assertThat(events).endsWith("finished 4 false");
    }

    @Test
    void findsTheConflictBehindNextExceptionAndByDsqlCodeAlone() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", "25P02", new int[0]);
        batch.setNextException(conflict());
        SQLException schema = new SQLException("schema has been updated by another transaction, please retry: (OC001)");

        assertThat(TransactionRetry.isConflict(new RuntimeException(batch))).isTrue();
        assertThat(TransactionRetry.isConflict(schema)).isTrue();
        assertThat(TransactionRetry.isConflict(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(TransactionRetry.isConflict(new RuntimeException("OC000 in a message that is no SQLException"))).isFalse();
        // Text that quotes the code as data, under another SQLSTATE, is no conflict.
        assertThat(TransactionRetry.isConflict(new SQLException("Key (code)=(OC001) already exists.", "23505"))).isFalse();
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw new SQLException("duplicate key value violates unique constraint", "23505");
        })).hasMessageContaining("duplicate key");

        assertThat(attempts).hasValue(1);
        assertThat(pauses).isEmpty();
        assertThat(events).containsExactly("finished 1 false");
    }

    @Test
    void anInterruptedPauseEndsTheRetryWithTheConflict() {
        TransactionRetry interrupted = retry.withSleeper(pause -> {
            throw new InterruptedException();
        });
        SQLException conflict = conflict();

        try {
            assertThatThrownBy(() -> interrupted.call(() -> {
                throw conflict;
            })).isSameAs(conflict);
            assertThat(conflict.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInterruptBeforeAZeroPauseEndsTheRetry() {
        TransactionRetry noPause = retry.withSleeper(pause -> { });
        AtomicInteger attempts = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> noPause.call(() -> {
                attempts.incrementAndGet();
                throw conflict();
            })).isInstanceOf(SQLException.class);
            assertThat(attempts).hasValue(1);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aConflictAtCommitRollsBackAndRunsTheWorkAgain() throws SQLException {
        FakeConnection fake = new FakeConnection(conflict());
        AtomicInteger attempts = new AtomicInteger();

        int result = retry.inTransaction(fake.connection(), c -> attempts.incrementAndGet());

        assertThat(result).isEqualTo(2);
        assertThat(fake.calls).containsExactly("setAutoCommit false", "commit", "rollback", "setAutoCommit false", "commit",
                "setAutoCommit true");
    }

    @Test
    void aCommitThatLosesItsConnectionIsReportedAsUnknownAndNotRepeated() {
        SQLException lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        FakeConnection fake = new FakeConnection(lost);
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retry.inTransaction(fake.connection(), c -> attempts.incrementAndGet()))
                .isInstanceOfSatisfying(CommitOutcomeUnknownException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08007");
                    assertThat(e.getCause()).isSameAs(lost);
                })
                .hasMessageContaining("may or may not have committed").hasMessageContaining("08006");

        assertThat(attempts).hasValue(1);
        assertThat(fake.calls).containsExactly("setAutoCommit false", "commit", "setAutoCommit true");
        assertThat(pauses).isEmpty();
    }

    @Test
    void aBrokenConnectionThatAlsoRefusesAutoCommitStillReportsTheUnknownOutcome() {
        FakeConnection fake = new FakeConnection(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        fake.closedAfterCommit = true;

        assertThatThrownBy(() -> retry.inTransaction(fake.connection(), c -> 1))
                .isInstanceOf(CommitOutcomeUnknownException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(SQLException.class));
    }

    @Test
    void aCommitTheServerRefusesIsRolledBackAndReportedAsIs() {
        SQLException refused = new SQLException("deferred constraint violated", "23503");
        FakeConnection fake = new FakeConnection(refused);

        assertThatThrownBy(() -> retry.inTransaction(fake.connection(), c -> 1)).isSameAs(refused);

        assertThat(fake.calls).containsExactly("setAutoCommit false", "commit", "rollback", "setAutoCommit true");
    }

    @Test
    void aFailingStatementIsRolledBack() {
        FakeConnection fake = new FakeConnection(null);

        assertThatThrownBy(() -> retry.inTransaction(fake.connection(), c -> {
            throw new SQLException("syntax error", "42601");
        })).hasMessage("syntax error");

        assertThat(fake.calls).containsExactly("setAutoCommit false", "rollback", "setAutoCommit true");
    }

    @Test
    void refusesAConnectionThatMayBeInsideATransaction() {
        FakeConnection fake = new FakeConnection(null);
        fake.autoCommit = false;

        assertThatThrownBy(() -> retry.inTransaction(fake.connection(), c -> 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in auto-commit mode");
        assertThat(fake.calls).isEmpty();
    }

    /** A connection whose first commit fails with {@code firstCommit} (if any); records the transaction calls. */
    private static final class FakeConnection {
        final List<String> calls = new ArrayList<>();
        SQLException firstCommit;
        boolean autoCommit = true;
        /** As pgjdbc after the connection broke: every later call fails with 08003. */
        boolean closedAfterCommit;
        boolean closed;

        FakeConnection(SQLException firstCommit) {
            this.firstCommit = firstCommit;
        }

        Connection connection() {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (closed) {
                            throw new SQLException("This connection has been closed.", "08003");
                        }
                        switch (method.getName()) {
                            case "getAutoCommit":
                                return autoCommit;
                            case "setAutoCommit":
                                autoCommit = (Boolean) args[0];
                                calls.add("setAutoCommit " + autoCommit);
                                return null;
                            case "commit":
                                calls.add("commit");
                                SQLException failure = firstCommit;
                                firstCommit = null;
                                closed = closedAfterCommit;
                                if (failure != null) {
                                    throw failure;
                                }
                                return null;
                            case "rollback":
                                calls.add("rollback");
                                return null;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }
}
