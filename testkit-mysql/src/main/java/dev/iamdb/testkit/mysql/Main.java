package dev.iamdb.testkit.mysql;

import static dev.iamdb.testkit.Main.describe;
import static dev.iamdb.testkit.Main.quote;

import dev.iamdb.testkit.Identity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of this module's {@code iamdb-local.jar}: {@code --engine mysql} runs a {@link LocalIamMysqlDatabase};
 * {@code --engine postgresql} (the default) runs iamdb-testkit's PostgreSQL server with the other arguments. The first
 * line on stdout is a JSON object with everything a client needs, then one line per login decision. Stops when stdin
 * closes or the process is killed.
 */
public final class Main {

    static final String USAGE = "usage: java -jar iamdb-local.jar --engine mysql [--endpoint HOST] [--region R]"
            + " [--endpoint-port N] [--port N] [--user NAME]... [--ca-dir DIR] [--help]";
    static final String HELP = USAGE + "\n\n"
            + "Runs MariaDB behind a loopback gateway that accepts RDS IAM auth tokens as RDS for MySQL does.\n"
            + "Prints one JSON line with the connection details, then one line per login; stops when stdin closes.\n"
            + "Without --engine mysql (or with --engine postgresql) it runs the PostgreSQL server instead.\n\n"
            + "  --endpoint HOST    the RDS endpoint name tokens are signed for (default: a random one)\n"
            + "  --region R         the region tokens are signed for (default: the endpoint's, else us-east-1)\n"
            + "  --endpoint-port N  the port tokens are signed for (default 3306)\n"
            + "  --port N           the loopback port to listen on (default 0: any free port)\n"
            + "  --user NAME        an IAM user to create, usable by the printed identity (repeatable)\n"
            + "  --ca-dir DIR       keep the CA in DIR, so clients trusting DIR/ca.pem or DIR/ca.p12 survive a restart\n"
            + "  -h, --help         print this help and exit\n";

    private Main() {
    }

    /** Entry point; exits 2 on bad arguments or a port in use, 0 after {@code --help} or a clean shutdown. */
    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        int engine = rest.indexOf("--engine");
        String engineName = engine >= 0 && engine + 1 < rest.size() ? rest.get(engine + 1) : "postgresql";
        if (engine >= 0) {
            rest.subList(engine, Math.min(engine + 2, rest.size())).clear();
        }
        if (!"mysql".equals(engineName)) {
            if (!"postgresql".equals(engineName)) {
                System.err.println("iamdb-local: --engine: '" + engineName + "' is not supported; use postgresql or mysql");
                System.exit(2);
                return;
            }
            dev.iamdb.testkit.Main.main(rest.toArray(String[]::new));
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        dev.iamdb.testkit.Main.serve(rest, HELP, USAGE, out,
                () -> parse(rest).decisionListener(d -> out.println(describe(d))).start(), Main::json);
    }

    static LocalIamMysqlDatabase.Builder parse(List<String> args) {
        LocalIamMysqlDatabase.Builder b = LocalIamMysqlDatabase.builder();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            switch (option) {
                case "--endpoint":
                    b.endpoint(value(args, ++i, option));
                    break;
                case "--region":
                    b.region(value(args, ++i, option));
                    break;
                case "--endpoint-port":
                    b.endpointPort(number(args, ++i, option, 1));
                    break;
                case "--port":
                    b.port(number(args, ++i, option, 0));
                    break;
                case "--user":
                    b.user(value(args, ++i, option));
                    break;
                case "--ca-dir":
                    b.caDirectory(Path.of(value(args, ++i, option)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return b;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + ": a value is required");
        }
        return args.get(i);
    }

    private static int number(List<String> args, int i, String option, int min) {
        String text = value(args, i, option);
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not accepted; expected a whole number from "
                + min + " to 65535");
    }

    static String json(LocalIamMysqlDatabase db) {
        List<String> users = new ArrayList<>();
        for (String user : db.users()) {
            users.add(quote(user));
        }
        Identity id = db.identity();
        return "{\"host\":" + quote(db.host())
                + ",\"port\":" + db.port()
                + ",\"engine\":\"mysql\""
                + ",\"endpoint\":" + quote(db.endpoint())
                + ",\"endpointPort\":" + db.endpointPort()
                + ",\"region\":" + quote(db.region())
                + ",\"database\":" + quote(db.database())
                + ",\"accessKeyId\":" + quote(id.accessKeyId())
                + ",\"secretAccessKey\":" + quote(id.secretAccessKey())
                + ",\"principalArn\":" + quote(id.principalArn())
                + ",\"users\":[" + String.join(",", users) + "]"
                + ",\"sslRootCert\":" + quote(db.caCertificate().toString())
                + ",\"trustStore\":" + quote(db.caTrustStore().toString())
                + ",\"trustStorePassword\":" + quote(LocalIamMysqlDatabase.CA_TRUST_STORE_PASSWORD)
                + ",\"jdbcUrl\":" + quote(db.jdbcUrl())
                + ",\"mariadbJdbcUrl\":" + quote(db.mariadbJdbcUrl())
                + "}";
    }


}
