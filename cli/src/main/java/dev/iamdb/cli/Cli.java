package dev.iamdb.cli;

import dev.iamdb.IamConfigException;
import dev.iamdb.IamProperty;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line without the process around it: parses arguments, runs a command, turns failures
 * into one line on stderr and an exit status. {@link Main} supplies the real streams and clock;
 * tests supply their own.
 *
 * <p>Exit status: 0 success; 1 a failure while running (credentials, signing, a failed doctor step); 2 a usage or
 * configuration error, which repeating the same command cannot fix.
 */
final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final Clock clock;

    Cli(Clock clock) {
        this.clock = clock;
    }

    int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean debug = rest.removeIf("--debug"::equals);
        if (rest.isEmpty()) {
            out.print(usage());
            return USAGE;
        }
        String command = rest.remove(0);
        // "help" only as the command: after it, "help" may be a value such as a user name.
        if (command.equals("help") || isHelpOption(command) || rest.stream().anyMatch(Cli::isHelpOption)) {
            out.print(usage());
            return OK;
        }
        try {
            switch (command) {
                case "token":
                    TokenCommand.run(Options.parse(rest, TokenCommand.OPTIONS, command), clock, out);
                    return OK;
                case "inspect":
                    InspectCommand.run(Options.parse(rest, List.of(), command), in, clock, out);
                    return OK;
                case "doctor":
                    return DoctorCommand.run(Options.parse(rest, DoctorCommand.OPTIONS, command), clock, out);
                default:
                    // A long "command" is likely a pasted token: do not echo it.
                    throw new UsageException("unknown command" + (command.length() <= 32 ? " '" + command + "'" : "")
                            + ": expected token, inspect, doctor or help");
            }
        } catch (UsageException e) {
            return fail(err, e, e.getMessage(), USAGE, debug);
        } catch (IamConfigException e) {
            return fail(err, e, TokenCommand.describe(e), USAGE, debug);
        } catch (SQLException e) {
            return fail(err, e, e.getMessage(), FAILED, debug);
        } catch (RuntimeException e) {
            return fail(err, e, e.toString(), FAILED, debug);
        }
    }

    private static boolean isHelpOption(String arg) {
        return arg.equals("--help") || arg.equals("-h");
    }

    /** One line, so that scripts can show or log it as is; the stack trace only when asked for. */
    private static int fail(PrintStream err, Exception e, String message, int status, boolean debug) {
        String text = message == null ? e.getClass().getName() : message.replaceAll("\\s*\\R\\s*", " ").strip();
        err.println("iamdb: " + text);
        if (debug) {
            e.printStackTrace(err);
        }
        return status;
    }

    static String usage() {
        StringBuilder s = new StringBuilder()
                .append("Usage: iamdb token --host HOST --user USER [options]   sign an IAM auth token and print it\n")
                .append("       iamdb inspect TOKEN|-                          decode a token (not verify) and print its fields\n")
                .append("       iamdb doctor --url URL [--user USER] [property=value…]  check each step of a connection\n")
                .append("       iamdb help                                     show this help\n")
                .append("Run as java -jar iamdb-cli.jar. Add --debug to any command to see stack traces.\n")
                .append("\nToken options:\n");
        for (Option o : TokenCommand.OPTIONS) {
            String left = o.takesValue() ? o.name() + " " + o.valueName() : o.name();
            s.append(String.format("  %-20s %s", left, o.help()));
            IamProperty p = o.property();
            if (p != null) {
                s.append(" [").append(p.propertyName()).append(", default: ").append(p.defaultValue()).append(']');
            }
            s.append('\n');
        }
        s.append("\nDoctor options:\n");
        for (Option o : DoctorCommand.OPTIONS) {
            s.append(String.format("  %-20s %s", o.name() + " " + o.valueName(), o.help())).append('\n');
        }
        s.append("  property=value       any iamdb or driver setting, as in the URL (iamRegion=us-east-1, sslrootcert=ca.pem)\n")
                .append("doctor prints one line per step (configuration, credentials, token, clock, tcp, tls, login, query),\n")
                .append("✔ or ✘ with the fix, and exits 0 only when every step passed. pgjdbc is bundled; for MySQL or MariaDB add\n")
                .append("the driver: java -cp iamdb-cli.jar:mysql-connector-j.jar dev.iamdb.cli.Main doctor --url jdbc:iamdb:mysql://…\n");
        return s.append("\nThe token alone goes to stdout, for example PGPASSWORD=\"$(iamdb token …)\". Credentials come from\n")
                .append("--profile or the default AWS chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,\n")
                .append("~/.aws, SSO, web identity, the container or instance role. inspect - reads the token from stdin.\n")
                .append("Exit status: 0 success, 1 credentials or signing or a doctor step failed, 2 usage or configuration error.\n")
                .toString();
    }
}
