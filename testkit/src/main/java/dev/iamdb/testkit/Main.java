package dev.iamdb.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.Function;

/**
 * Runs a {@link LocalIamDatabase} from the command line. The first line on stdout is a JSON object with
 * everything a client needs (address, endpoint to sign for, credentials, CA file); one line per login
 * decision follows. Stops when stdin closes or the process is killed.
 */
public final class Main {

    static final String USAGE = "usage: java -jar iamdb-local.jar [--service dsql|rds] [--endpoint HOST] [--region R]"
            + " [--port N] [--role NAME]... [--no-tls] [--ca-dir DIR] [--max-connection-seconds N]"
            + " [--reject-unsupported-sql] [--max-connections-per-second N] [--aws ROUTE] [--help]";
    static final String HELP = USAGE + "\n\n"
            + "Runs PostgreSQL behind a loopback gateway that accepts IAM auth tokens as Aurora DSQL or RDS do.\n"
            + "Prints one JSON line with the connection details, then one line per login; stops when stdin closes.\n\n"
            + "  --service dsql|rds          the service to emulate (default dsql)\n"
            + "  --endpoint HOST             the endpoint name tokens are signed for (default: a random one)\n"
            + "  --region R                  the region tokens are signed for (default: the endpoint's, else us-east-1)\n"
            + "  --port N                    the loopback port to listen on (default 0: any free port)\n"
            + "  --role NAME                 a login role to create, usable by the printed identity (repeatable)\n"
            + "  --no-tls                    accept clients without TLS\n"
            + "  --ca-dir DIR                keep the CA in DIR, so clients trusting DIR/ca.pem survive a restart\n"
            + "  --max-connection-seconds N  end sessions after N seconds (default 3600, as DSQL)\n"
            + "  --reject-unsupported-sql    fail SQL that Aurora DSQL does not support (dsql only)\n"
            + "  --max-connections-per-second N  refuse logins over N per second with SQLSTATE 53400, as DSQL's\n"
            + "                              connection-rate quota does (default: no limit)\n"
            + "  --aws ROUTE                 also run a local AWS (STS, instance metadata, container credentials,\n"
            + "                              SSO portal) on loopback, and print in the JSON line, under \"aws\", the\n"
            + "                              environment that makes the AWS SDK's default chain get role iamdb-local's\n"
            + "                              credentials by ROUTE: web-identity, pod-identity, container,\n"
            + "                              instance-metadata, sso-session, sso-legacy or role-profile\n"
            + "  -h, --help                  print this help and exit\n";

    private Main() {
    }

    /** Entry point; exits 2 on bad arguments or a port in use, 0 after {@code --help} or a clean shutdown. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // start() rejects combinations of options (e.g. --reject-unsupported-sql with rds) the same way.
        serve(List.of(args), HELP, USAGE, out, () -> Running.start(args, d -> out.println(describe(d))), Running::json);
    }

    /**
     * The database and, with {@code --aws}, the local AWS beside it. The AWS role is {@value #AWS_ROLE} in the default
     * account: the ARN of the database's generated identity, so its sessions may log in as every role created.
     */
    record Running(LocalIamDatabase db, LocalAws aws, LocalAws.Route route) implements AutoCloseable {
        static Running start(String[] args, java.util.function.Consumer<AuthDecision> decisions) {
            LocalAws.Route route = awsRoute(args);
            LocalAws aws = route == null ? null : LocalAws.builder().role(AWS_ROLE).start();
            try {
                LocalIamDatabase.Builder b = parse(args).decisionListener(decisions);
                if (aws != null) {
                    b.aws(aws);
                }
                return new Running(b.start(), aws, route);
            } catch (RuntimeException e) {
                if (aws != null) {
                    aws.close();
                }
                throw e;
            }
        }

        String json() {
            String db = Main.json(this.db);
            if (aws == null) {
                return db;
            }
            List<String> env = new ArrayList<>();
            aws.environment(route, AWS_ROLE).forEach((k, v) -> env.add(quote(k) + ":" + quote(v)));
            return db.substring(0, db.length() - 1) + ",\"aws\":{\"endpoint\":" + quote(aws.endpoint().toString())
                    + ",\"accountId\":" + quote(aws.accountId()) + ",\"roleArn\":" + quote(aws.roleArn(AWS_ROLE))
                    + ",\"route\":" + quote(routeName(route)) + ",\"environment\":{" + String.join(",", env) + "}}}";
        }

        @Override
        public void close() {
            db.close();
            if (aws != null) {
                aws.close();
            }
        }
    }

    /** The local AWS role of {@code --aws}; with the default account its ARN is {@link Identity#DEFAULT_PRINCIPAL_ARN}. */
    static final String AWS_ROLE = "iamdb-local";

    /** The route named by {@code --aws}, or null without it. */
    static LocalAws.Route awsRoute(String[] args) {
        LocalAws.Route route = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--aws")) {
                String name = value(args, ++i, "--aws");
                route = null;
                for (LocalAws.Route r : LocalAws.Route.values()) {
                    if (routeName(r).equals(name)) {
                        route = r;
                    }
                }
                if (route == null) {
                    List<String> names = new ArrayList<>();
                    for (LocalAws.Route r : LocalAws.Route.values()) {
                        names.add(routeName(r));
                    }
                    throw new IllegalArgumentException("--aws: '" + name + "' is not a route; expected one of " + names);
                }
            }
        }
        return route;
    }

    static String routeName(LocalAws.Route route) {
        return route.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * What every testkit's runnable jar does: print {@code help} for {@code --help}; start the server, or exit 2 with
     * one line for bad settings or a port in use; print its JSON line; serve until standard input closes; exit 0.
     */
    public static <T extends AutoCloseable> void serve(List<String> args, String help, String usage, PrintStream out,
            Supplier<T> start, Function<T, String> json) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(help);
            out.flush();
            System.exit(0);
            return;
        }
        T server;
        try {
            server = start.get();
        } catch (IllegalArgumentException e) {
            System.err.println("iamdb-local: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return;
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof BindException)) {
                throw e;
            }
            System.err.println("iamdb-local: " + e.getCause().getMessage()
                    + "; choose another with --port or 0 for any free port");
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                // Stopping anyway: nothing to report to.
            }
        }, "iamdb-local-shutdown"));
        out.println(json.apply(server));
        while (System.in.read() >= 0) {
            // Input is ignored; only its end matters.
        }
        System.exit(0);
    }

    static LocalIamDatabase.Builder parse(String[] args) {
        LocalIamDatabase.Builder b = LocalIamDatabase.builder();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--no-tls":
                    b.tls(false);
                    break;
                case "--reject-unsupported-sql":
                    b.rejectUnsupportedSql(true);
                    break;
                case "--service":
                    b.service(Service.parse(value(args, ++i, option)));
                    break;
                case "--endpoint":
                    b.endpoint(value(args, ++i, option));
                    break;
                case "--region":
                    b.region(value(args, ++i, option));
                    break;
                case "--role":
                    b.role(value(args, ++i, option));
                    break;
                case "--port":
                    b.port(number(args, ++i, option, 0, 65535));
                    break;
                case "--ca-dir":
                    b.caDirectory(Path.of(value(args, ++i, option)));
                    break;
                case "--max-connections-per-second":
                    b.connectionRateLimit(number(args, ++i, option, 1, Integer.MAX_VALUE));
                    break;
                case "--aws":
                    i++; // read by awsRoute
                    break;
                case "--max-connection-seconds":
                    b.maxConnectionDuration(Duration.ofSeconds(number(args, ++i, option, 1, Integer.MAX_VALUE)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return b;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + ": a value is required");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String option, int min, int max) {
        String text = value(args, i, option);
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not accepted; expected a whole number from "
                + min + " to " + max);
    }

    static String json(LocalIamDatabase db) {
        List<String> roles = new ArrayList<>();
        for (String role : db.roles()) {
            roles.add(quote(role));
        }
        Identity id = db.identity();
        return "{\"host\":" + quote(db.host())
                + ",\"port\":" + db.port()
                + ",\"service\":" + quote(db.service().name().toLowerCase(java.util.Locale.ROOT))
                + ",\"endpoint\":" + quote(db.endpoint())
                + ",\"endpointPort\":" + db.endpointPort()
                + ",\"region\":" + quote(db.region())
                + ",\"database\":" + quote(db.database())
                + ",\"accessKeyId\":" + quote(id.accessKeyId())
                + ",\"secretAccessKey\":" + quote(id.secretAccessKey())
                + ",\"principalArn\":" + quote(id.principalArn())
                + ",\"roles\":[" + String.join(",", roles) + "]"
                + ",\"sslRootCert\":" + (db.caCertificate() == null ? "null" : quote(db.caCertificate().toString()))
                + ",\"jdbcUrl\":" + quote(db.jdbcUrl())
                + ",\"iamdbJdbcUrl\":" + quote(db.iamdbJdbcUrl())
                + "}";
    }

    /** One log line per login decision, as the runnable jars print them; never a secret. */
    public static String describe(AuthDecision d) {
        return d.time() + " login " + (d.accepted() ? "accepted" : "rejected") + " user=" + d.user() + " database="
                + d.database() + " accessKeyId=" + d.accessKeyId() + (d.accepted() ? "" : " reason=" + d.reason());
    }

    /** {@code s} as a JSON string. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
