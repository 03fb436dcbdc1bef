package dev.iamdb;

import java.sql.SQLException;

/**
 * The connection failed while the database was committing, so whether the transaction committed is unknown.
 * {@link TransactionRetry} never runs such a transaction again, since that could apply it twice: the application
 * has to find out (read the data back) or report the failure. SQLSTATE {@code 08007}, the SQL standard's
 * "transaction resolution unknown"; the cause is the driver's exception.
 */
public final class CommitOutcomeUnknownException extends SQLException {
    private static final long serialVersionUID = 1L;

    CommitOutcomeUnknownException(SQLException cause) {
        super("The connection failed during COMMIT (SQLSTATE " + cause.getSQLState() + "), so the transaction may or may "
                + "not have committed; it was not run again. Check whether its changes are in the database before "
                + "repeating it.", "08007", cause);
    }
}
