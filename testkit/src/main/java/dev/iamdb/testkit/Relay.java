package dev.iamdb.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
    /** Rewrites the client's SQL (DSQL); null relays the client's bytes unread (RDS). */
    private final DsqlStatements statements;
    /** Whether conflict errors are reported as Aurora DSQL reports them, see {@link DsqlConflicts}. */
    private final boolean dsqlConflicts;
    private final Object clientWriteLock = new Object();
    /** Header bytes of the current backend message seen so far (0..5); 0 with nothing left means "at a boundary". */
    private int headerSeen;
    private final byte[] header = new byte[5];
    /** Body bytes of the current backend message not yet seen. */
    private long bodyLeft;
    /** A backend ErrorResponse held back until complete so that it can be rewritten, header included; or null. */
    private byte[] heldError;
    private int heldFill;
    private boolean cutOffPending;
    private volatile boolean closed;
    private final CountDownLatch ended = new CountDownLatch(1);

    Relay(Socket clientSocket, InputStream clientIn, OutputStream clientOut, BackendLogin.Session backend,
            Duration maxDuration, DsqlStatements statements, boolean dsqlConflicts) {
        this.clientSocket = clientSocket;
        this.clientIn = clientIn;
        this.clientOut = clientOut;
        this.backend = backend;
        this.maxDuration = maxDuration;
        this.statements = statements;
        this.dsqlConflicts = dsqlConflicts;
    }

    /** Relays until either side closes; runs client-to-backend on the calling thread. */
    void run(ExecutorService threads, ScheduledExecutorService scheduler) {
        ScheduledFuture<?> cutOff = scheduler.schedule(this::cutOff, maxDuration.toNanos(), TimeUnit.NANOSECONDS);
        try {
            threads.execute(this::backendToClient);
            if (statements == null) {
                clientToBackend();
            } else {
                clientMessagesToBackend();
            }
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

    /**
     * Relays typed messages (type byte, int32 length, body) and passes each Query and Parse message through
     * {@link #statements}. Like the raw relay it writes what one read brought in one write; only Query and
     * Parse messages are held back until complete, everything else is tracked by its length and never copied.
     */
    private void clientMessagesToBackend() {
        byte[] buf = new byte[BUFFER_SIZE];
        OutputStream out = backend.out();
        byte[] header = new byte[5];
        int headerSeen = 0;
        boolean statement = false;
        long bodyLeft = 0;
        byte[] held = null;
        int heldFill = 0;
        try {
            int n;
            while ((n = clientIn.read(buf)) > 0) {
                int p = 0;
                // Start of the bytes to pass through unchanged; -1 while a statement message is being held.
                int passFrom = held != null || (statement && headerSeen > 0) ? -1 : 0;
                while (p < n) {
                    if (bodyLeft > 0) {
                        int take = (int) Math.min(bodyLeft, n - p);
                        p += take;
                        bodyLeft -= take;
                    } else if (held != null) {
                        int take = Math.min(held.length - heldFill, n - p);
                        System.arraycopy(buf, p, held, heldFill, take);
                        p += take;
                        heldFill += take;
                        if (heldFill == held.length) {
                            send(out, held);
                            held = null;
                            passFrom = p;
                        }
                    } else {
                        if (headerSeen == 0) {
                            statement = buf[p] == 'Q' || buf[p] == 'P';
                            if (statement) {
                                out.write(buf, passFrom, p - passFrom);
                                passFrom = -1;
                            }
                        }
                        header[headerSeen++] = buf[p++];
                        if (headerSeen < 5) {
                            continue;
                        }
                        headerSeen = 0;
                        long bodyLength = (PgWire.getInt(header, 1) & 0xffffffffL) - 4;
                        if (bodyLength < 0) {
                            return; // Not the v3 protocol; the backend could not make sense of it either.
                        }
                        if (statement && bodyLength <= DsqlStatements.MAX_INSPECTED_LENGTH) {
                            held = new byte[5 + (int) bodyLength];
                            System.arraycopy(header, 0, held, 0, 5);
                            heldFill = 5;
                            if (bodyLength == 0) {
                                send(out, held);
                                held = null;
                                passFrom = p;
                            }
                        } else {
                            if (statement) {
                                out.write(header);
                                passFrom = p;
                            }
                            bodyLeft = bodyLength;
                        }
                    }
                }
                if (passFrom >= 0 && passFrom < n) {
                    out.write(buf, passFrom, n - passFrom);
                }
            }
        } catch (IOException e) {
            // Either side went away; closing both ends the session.
        }
    }

    private void send(OutputStream out, byte[] message) throws IOException {
        byte[] rewritten = statements.rewrite(message);
        out.write(rewritten == null ? message : rewritten);
    }

    private void backendToClient() {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            int n;
            while ((n = backend.in().read(buf)) > 0) {
                synchronized (clientWriteLock) {
                    if (closed || !forward(buf, n)) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // Either side went away; closing both ends the session.
        } finally {
            close();
        }
    }

    /**
     * Writes {@code buf[0..n)} to the client, tracking the message framing; with {@link #dsqlConflicts}, ErrorResponse
     * messages are held until complete and written rewritten. When a cut-off is pending, stops at the first message
     * boundary, ends the session and returns false. Caller holds {@code clientWriteLock}.
     */
    private boolean forward(byte[] buf, int n) throws IOException {
        int p = 0;
        // Start of the bytes to pass through unchanged; -1 while an error message is being held.
        int passFrom = heldError != null || (headerSeen > 0 && holdsError()) ? -1 : 0;
        while (true) {
            if (cutOffPending && atBoundary()) {
                if (passFrom >= 0) {
                    clientOut.write(buf, passFrom, p - passFrom);
                }
                endWithMaxDurationError();
                return false;
            }
            if (p >= n) {
                break;
            }
            if (heldError != null) {
                int take = Math.min(heldError.length - heldFill, n - p);
                System.arraycopy(buf, p, heldError, heldFill, take);
                p += take;
                heldFill += take;
                if (heldFill == heldError.length) {
                    writeHeldError();
                    passFrom = p;
                }
            } else if (headerSeen < 5) {
                if (headerSeen == 0 && dsqlConflicts && buf[p] == 'E') {
                    clientOut.write(buf, passFrom, p - passFrom);
                    passFrom = -1;
                }
                header[headerSeen++] = buf[p++];
                if (headerSeen == 5) {
                    startBody(p);
                    if (passFrom < 0 && heldError == null) {
                        passFrom = p; // An error message too large to hold: its header was held, its body passes.
                    } else if (passFrom < 0 && heldFill == heldError.length) {
                        writeHeldError();
                        passFrom = p;
                    }
                }
            } else {
                int take = (int) Math.min(bodyLeft, n - p);
                p += take;
                bodyLeft -= take;
                if (bodyLeft == 0) {
                    headerSeen = 0;
                }
            }
        }
        if (passFrom >= 0 && passFrom < n) {
            clientOut.write(buf, passFrom, n - passFrom);
        }
        return true;
    }

    /** The header is complete: hold an error message's body, or count the body bytes to pass through. */
    private void startBody(int p) throws IOException {
        long length = (PgWire.getInt(header, 1) & 0xffffffffL) - 4;
        if (holdsError() && length >= 0 && length <= DsqlStatements.MAX_INSPECTED_LENGTH) {
            heldError = new byte[5 + (int) length];
            System.arraycopy(header, 0, heldError, 0, 5);
            heldFill = 5;
            headerSeen = 0;
            return;
        }
        if (holdsError()) {
            clientOut.write(header, 0, 5);
        }
        bodyLeft = length;
        if (bodyLeft <= 0) {
            headerSeen = 0;
        }
    }

    private boolean holdsError() {
        return dsqlConflicts && header[0] == 'E';
    }

    private void writeHeldError() throws IOException {
        byte[] rewritten = DsqlConflicts.rewrite(heldError);
        clientOut.write(rewritten == null ? heldError : rewritten);
        heldError = null;
    }

    private boolean atBoundary() {
        return headerSeen == 0 && heldError == null;
    }

    /**
     * Ends the session as the maximum connection duration does: at once if the client is between two backend
     * messages, else after the current message. Returns false if the session had ended already.
     */
    boolean cutOff() {
        synchronized (clientWriteLock) {
            if (closed) {
                return false;
            }
            if (atBoundary()) {
                endWithMaxDurationError();
            } else {
                cutOffPending = true;
            }
            return true;
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
        ended.countDown();
    }

    /**
     * Waits until the session has ended: a cut-off in the middle of a backend message takes effect only at the end
     * of that message, and a test that ended sessions must not race the rest of it.
     */
    void awaitEnd(Duration timeout) throws InterruptedException {
        ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
