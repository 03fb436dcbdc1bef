package dev.iamdb.cli;

/**
 * The command line is wrong: an unknown command or option, a missing or malformed value. Reported
 * as one line on stderr with exit status 2, like a configuration error, because retrying the same
 * command cannot succeed.
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
