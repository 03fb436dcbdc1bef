package dev.iamdb.cli;

import dev.iamdb.IamConfig;
import dev.iamdb.IamConfigException;
import dev.iamdb.IamProperty;
import dev.iamdb.TokenProvider;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * {@code iamdb token}: signs one token with the library's own configuration and signer and prints it,
 * so that what works here works in the application, and {@code psql}, scripts and other tools can use
 * it as the password ({@code PGPASSWORD=$(iamdb token …)}).
 */
final class TokenCommand {
    static final Option HOST = new Option("--host", "HOST", IamProperty.IAM_HOST,
            "Endpoint the token is signed for, such as <cluster-id>.dsql.us-east-1.on.aws; required.");
    static final Option USER = Option.of("--user", "USER", IamProperty.USER);
    /** Not iamDefaultPort: the port is given as the connection's, exactly as a JDBC URL would give it. */
    static final Option PORT = new Option("--port", "PORT", null,
            "RDS: the port signed into the token (default 5432). Aurora DSQL tokens carry no port.");
    static final List<Option> OPTIONS = List.of(HOST, USER, PORT,
            Option.of("--region", "REGION", IamProperty.IAM_REGION),
            Option.of("--service", "dsql|rds", IamProperty.IAM_SERVICE),
            Option.of("--lifetime", "SECONDS", IamProperty.IAM_TOKEN_LIFETIME),
            Option.of("--admin", null, IamProperty.IAM_ADMIN),
            Option.of("--profile", "NAME", IamProperty.AWS_PROFILE));

    private TokenCommand() {
    }

    static void run(Options options, Clock clock, PrintStream out) throws UsageException, SQLException {
        if (!options.operands().isEmpty()) {
            // Not echoed: a stray operand may be a pasted secret.
            throw new UsageException("'token' takes options only, but " + options.operands().size() + " other argument(s) were given");
        }
        String host = required(options, HOST);
        required(options, USER);
        // The host is both where a connection would go and what is signed: --host also sets iamHost, checked as such.
        IamConfig.Builder config = IamConfig.builder().host(host).clock(clock);
        String port = options.get(PORT);
        if (port != null) {
            config.port((Integer) IamProperty.IAM_DEFAULT_PORT.parse(port, PORT.label()));
        }
        // Every other option is a property; errors then name the option as typed, with its property.
        options.values().forEach((option, value) -> {
            if (option.property() != null) {
                config.property(option.property().propertyName(), value, option.label());
            }
        });
        try (TokenProvider tokens = new TokenProvider(config.build())) {
            out.println(tokens.token());
        }
    }

    /** The core's message for a bad setting, led by the option that set it. */
    static String describe(IamConfigException e) {
        return OPTIONS.stream()
                .filter(o -> o.label().equals(e.property()))
                .findFirst()
                .map(o -> o.name() + ": " + e.getMessage())
                .orElse(e.getMessage());
    }

    private static String required(Options options, Option option) throws UsageException {
        String value = options.get(option);
        if (value == null || value.isBlank()) {
            throw new UsageException("missing " + option.label() + ": " + option.help());
        }
        return value;
    }

}
