package dev.iamdb.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Copies one session's bytes both ways after login, one blocking thread per direction with large
 * buffers. The backend-to-client direction also tracks message framing (type byte + int32 length) so
 * that the maximum-connection-duration error can be injected between two messages, never inside one.
 */
final class Relay {

    static final int BUFFER_SIZE = 64 * 1024;
    static final String MAX_DURATION_SQLSTATE = "57P01";

    /** The client's TCP socket (under any TLS layer): closing it never blocks on a TLS close_notify. */
    private final Socket clientSocket;
    private final InputStream clientIn;
    private final OutputStream clientOut;
    private final BackendLogin.Session backend;
    private final Duration maxDuration;
    private final Object clientWriteLock = new Object();
    /** Header bytes of the current backend message seen so far (0..5); 0 with nothing left means "at a boundary". */
    private int headerSeen;
    private final byte[] header = new byte[5];
    /** Body bytes of the current backend message not yet seen. */
    private long bodyLeft;
    private boolean cutOffPending;
    private volatile boolean closed;

    Relay(Socket clientSocket, InputStream clientIn, OutputStream clientOut, BackendLogin.Session backend,
            Duration maxDuration) {
        this.clientSocket = clientSocket;
        this.clientIn = clientIn;
        this.clientOut = clientOut;
        this.backend = backend;
        this.maxDuration = maxDuration;
    }

    /** Relays until either side closes; runs client-to-backend on the calling thread. */
    void run(ExecutorService threads, ScheduledExecutorService scheduler) {
        ScheduledFuture<?> cutOff = scheduler.schedule(this::maxDurationReached, maxDuration.toNanos(),
                TimeUnit.NANOSECONDS);
        try {
            threads.execute(this::backendToClient);
            clientToBackend();
        } finally {
            cutOff.cancel(false);
            close();
        }
    }

    private void clientToBackend() {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            int n;
            while ((n = clientIn.read(buf)) > 0) {
                backend.out().write(buf, 0, n);
            }
        } catch (IOException e) {
            // Either side went away; closing both ends the session.
        }
    }

    private void backendToClient() {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            int n;
            while ((n = backend.in().read(buf)) > 0) {
                synchronized (clientWriteLock) {
                    if (closed) {
                        return;
                    }
                    int boundary = scanFraming(buf, n);
                    if (boundary >= 0) {
                        clientOut.write(buf, 0, boundary);
                        endWithMaxDurationError();
                        return;
                    }
                    clientOut.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // Either side went away; closing both ends the session.
        } finally {
            close();
        }
    }

    /**
     * Advances the framing state over {@code buf[0..n)}. When a cut-off is pending, stops at the first
     * message boundary and returns its offset; otherwise returns -1.
     */
    private int scanFraming(byte[] buf, int n) {
        int p = 0;
        while (true) {
            if (cutOffPending && headerSeen == 0) {
                return p;
            }
            if (p >= n) {
                return -1;
            }
            if (headerSeen < 5) {
                header[headerSeen++] = buf[p++];
                if (headerSeen == 5) {
                    bodyLeft = (PgWire.getInt(header, 1) & 0xffffffffL) - 4;
                    if (bodyLeft <= 0) {
                        headerSeen = 0;
                    }
                }
                continue;
            }
            int take = (int) Math.min(bodyLeft, n - p);
            p += take;
            bodyLeft -= take;
            if (bodyLeft == 0) {
                headerSeen = 0;
            }
        }
    }

    private void maxDurationReached() {
        synchronized (clientWriteLock) {
            if (closed) {
                return;
            }
            if (headerSeen == 0) {
                endWithMaxDurationError();
            } else {
                cutOffPending = true;
            }
        }
    }

    /** Caller holds {@code clientWriteLock}. */
    private void endWithMaxDurationError() {
        try {
            clientOut.write(PgWire.fatal(MAX_DURATION_SQLSTATE,
                    "terminating connection: maximum connection duration of " + maxDuration + " reached"));
            clientOut.flush();
        } catch (IOException e) {
            // The client is gone already; nothing left to tell it.
        }
        close();
    }

    /** Never takes the lock: a writer blocked on a slow client must be unblocked by closing its socket. */
    private void close() {
        closed = true;
        Gateway.closeQuietly(backend.socket());
        Gateway.closeQuietly(clientSocket);
    }
}
