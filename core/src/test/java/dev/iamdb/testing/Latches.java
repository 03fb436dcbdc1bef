package dev.iamdb.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waiting on a latch where {@code InterruptedException} may not be thrown, such as inside a credentials provider. */
public final class Latches {
    private Latches() {
    }

    /**
     * Waits until {@code latch} opens, at most {@code timeout}; fails with {@code notOpened} when it does not, and with
     * the interrupt (flag kept) when interrupted, so that a test that went wrong ends instead of hanging.
     */
    public static void awaitQuietly(CountDownLatch latch, Duration timeout, String notOpened) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(notOpened);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
