package dev.iamdb.cli;

import java.time.Clock;

/**
 * Entry point of {@code iamdb-cli.jar}: {@code iamdb token} signs an IAM auth token for Aurora DSQL
 * or RDS with the library's own configuration, and {@code iamdb inspect} decodes one. It lets people
 * check credentials, hosts and grants from a shell before blaming the application ({@code iamdb doctor}
 * walks a whole connection step by step), and gives
 * {@code psql} and scripts a password. Run {@code java -jar iamdb-cli.jar help} for the options.
 */
public final class Main {
    private Main() {
    }

    /** Runs one command and exits with its status: 0 success, 1 runtime failure, 2 usage or configuration error. */
    public static void main(String[] args) {
        int status = new Cli(Clock.systemUTC()).run(args, System.in, System.out, System.err);
        System.out.flush();
        // Exit explicitly: the status is the interface for scripts, and no SDK thread may keep the JVM alive.
        System.exit(status);
    }
}
