package dev.iamdb.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Aurora DSQL's optimistic concurrency, emulated with PostgreSQL's own conflict detection. DSQL-mode backend sessions
 * run at {@link #ISOLATION} (DSQL's only isolation level is snapshot isolation, PostgreSQL's repeatable read), where
 * PostgreSQL itself fails a transaction that changes a row another transaction changed since its snapshot: SQLSTATE
 * 40001, or 40P01 when two such transactions wait for each other. The gateway reports both as DSQL does, SQLSTATE
 * 40001 with {@code OC000} in the message. DSQL never waits and never deadlocks; PostgreSQL may wait for the other
 * transaction first, and detects the conflict at the conflicting statement rather than at COMMIT.
 */
final class DsqlConflicts {
    static final String ISOLATION = "repeatable read";
    static final String SERIALIZATION_FAILURE = "40001";
    static final String DEADLOCK = "40P01";
    /** Aurora DSQL's words for a data conflict (its user guide, "Concurrency control"). */
    static final String OC000_MESSAGE = "mutation conflicts with another transaction, retry as needed (OC000)";

    private DsqlConflicts() {
    }

    /**
     * The ErrorResponse to send instead of {@code message} (type byte, int32 length, body), or null to send it as is.
     * Only conflicts are rewritten: SQLSTATE 40001 and DSQL's OC000 message; PostgreSQL's detail and context, which
     * name the other backend process and the statement, are dropped, as DSQL shows neither; other fields stay.
     */
    static byte[] rewrite(byte[] message) {
        if (message[0] != 'E') {
            return null;
        }
        String state = field(message, 'C');
        if (!SERIALIZATION_FAILURE.equals(state) && !DEADLOCK.equals(state)) {
            return null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(message.length + OC000_MESSAGE.length());
        for (int i = 5; i < message.length && message[i] != 0; i = indexOfZero(message, i + 1) + 1) {
            char code = (char) message[i];
            if (code == 'C' || code == 'M') {
                body.write(code);
                PgWire.cstring(body, code == 'C' ? SERIALIZATION_FAILURE : OC000_MESSAGE);
            } else if (code != 'D' && code != 'W') {
                body.write(message, i, indexOfZero(message, i + 1) - i + 1);
            }
        }
        body.write(0);
        return PgWire.message('E', body.toByteArray());
    }

    /** The field's value, or null; a malformed message (no terminators) has none, and is relayed unchanged. */
    private static String field(byte[] message, char wanted) {
        for (int i = 5; i < message.length && message[i] != 0; ) {
            int end = indexOfZero(message, i + 1);
            if (end < 0 || message[message.length - 1] != 0) {
                return null;
            }
            if (message[i] == wanted) {
                return new String(message, i + 1, end - i - 1, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return null;
    }

    private static int indexOfZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
