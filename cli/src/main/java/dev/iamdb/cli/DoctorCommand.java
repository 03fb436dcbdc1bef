package dev.iamdb.cli;

import dev.iamdb.ConnectionCheck;
import dev.iamdb.IamConfig;
import dev.iamdb.IamProperty;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code iamdb doctor}: walks the connection path of a JDBC URL with {@link ConnectionCheck} and prints one line per
 * step, so that a refused login comes with the step that broke and what to fix. All the diagnosis is core's; this
 * class only reads the command line and prints.
 */
final class DoctorCommand {
    static final Option URL = new Option("--url", "URL", null,
            "The JDBC URL the application connects with, such as jdbc:iamdb:postgresql://<cluster-id>.dsql.us-east-1.on.aws/postgres; required.");
    static final Option USER = Option.of("--user", "USER", IamProperty.USER);
    static final Option PROFILE = Option.of("--profile", "NAME", IamProperty.AWS_PROFILE);
    static final Option TIMEOUT = new Option("--timeout", "SECONDS", null,
            "The longest wait for each network step (STS, TCP, TLS, login); default 10.");
    static final List<Option> OPTIONS = List.of(URL, USER, PROFILE, TIMEOUT);
    private static final int DEFAULT_TIMEOUT_SECONDS = 10;

    private DoctorCommand() {
    }

    /** Prints the steps; the exit status is {@link Cli#OK} only when every step passed, else {@link Cli#FAILED}. */
    static int run(Options options, Clock clock, PrintStream out) throws UsageException {
        String url = options.get(URL);
        if (url == null || url.isBlank()) {
            throw new UsageException("missing " + URL.label() + ": " + URL.help());
        }
        IamConfig.Builder config = IamConfig.builder().url(url).clock(clock);
        for (String operand : options.operands()) {
            int eq = operand.indexOf('=');
            if (eq <= 0) {
                // Not echoed: a stray operand may be a pasted secret.
                throw new UsageException("'doctor' takes settings as property=value, such as iamRegion=us-east-1; "
                        + "an argument without '=' was given");
            }
            config.property(operand.substring(0, eq), operand.substring(eq + 1));
        }
        if (options.get(USER) != null) {
            config.property(IamProperty.USER.propertyName(), options.get(USER), USER.label());
        }
        if (options.get(PROFILE) != null) {
            config.property(IamProperty.AWS_PROFILE.propertyName(), options.get(PROFILE), PROFILE.label());
        }
        ConnectionCheck check = ConnectionCheck.run(config, Duration.ofSeconds(timeoutSeconds(options)));
        int width = check.steps().stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (ConnectionCheck.Step step : check.steps()) {
            out.println(symbol(step.status()) + " " + String.format("%-" + width + "s", step.name()) + "  " + step.detail());
            if (step.fix() != null) {
                out.println("  " + " ".repeat(width) + "  fix: " + step.fix());
            }
        }
        out.println(check.passed() ? "Every step passed." : "Not every step passed: fix the first ✘ and run doctor again.");
        return check.passed() ? Cli.OK : Cli.FAILED;
    }

    private static int timeoutSeconds(Options options) throws UsageException {
        String text = options.get(TIMEOUT);
        if (text == null) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        try {
            int seconds = Integer.parseInt(text);
            if (seconds >= 1 && seconds <= 600) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new UsageException(TIMEOUT.name() + ": '" + text + "' is not a number of seconds from 1 to 600");
    }

    /** ✔ passed, ✘ failed, – skipped after a failure, ○ nothing to check here. */
    private static String symbol(ConnectionCheck.Status status) {
        switch (status) {
            case PASSED:
                return "✔";
            case FAILED:
                return "✘";
            case SKIPPED:
                return "–";
            default:
                return "○";
        }
    }
}
