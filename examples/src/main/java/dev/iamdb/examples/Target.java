package dev.iamdb.examples;

import dev.iamdb.IamDriver;
import dev.iamdb.testkit.LocalIamDatabase;
import java.util.Map;

/**
 * Where an example logs in and as whom: a {@code jdbc:postgresql:} URL (iamdb settings as URL parameters)
 * and the database role. Each example puts these two into its framework's own configuration, in place of
 * the placeholder endpoint its configuration file shows.
 *
 * @param url  {@code jdbc:postgresql://host:port/database?…}, without a password
 * @param user the database role the token is signed for
 */
public record Target(String url, String user) {

    /**
     * The target given on the command line or in the environment, as every example's {@code main} reads it:
     * {@code --endpoint} / {@code IAMDB_ENDPOINT} ({@code host[:port][/database]}, such as
     * {@code abc123.dsql.us-east-1.on.aws}), {@code --user} / {@code IAMDB_USER}, and optionally
     * {@code --region} / {@code AWS_REGION}. Credentials come from the default AWS credentials chain.
     *
     * @throws IllegalArgumentException when the endpoint or the user is missing, or an option is unknown
     */
    public static Target fromCommandLine(String[] args, Map<String, String> env) {
        Options options = Options.parse(args, env);
        if (!options.aws()) {
            throw new IllegalArgumentException("No endpoint: set IAMDB_ENDPOINT (or --endpoint) to your Aurora DSQL or RDS endpoint, "
                    + "such as abc123.dsql.us-east-1.on.aws, and IAMDB_USER (or --user) to the database role. "
                    + "To run without AWS, run the demo: java -jar examples/target/iamdb-demo.jar");
        }
        return options.target(options.user());
    }

    /**
     * An AWS endpoint {@code host[:port][/database]} (port 5432 and database {@code postgres} by default). The
     * region, when given, is passed as {@code iamRegion}; iamdb refuses it if the endpoint names another one.
     */
    static Target aws(String endpoint, String user, String region) {
        String address = endpoint.contains("/") ? endpoint : endpoint + "/postgres";
        if (!address.substring(0, address.indexOf('/')).contains(":")) {
            address = address.replaceFirst("/", ":5432/");
        }
        return new Target("jdbc:postgresql://" + address + (region == null ? "" : "?iamRegion=" + region), user);
    }

    /**
     * The local IAM-verifying PostgreSQL: connect to its loopback port, verify its certificate with its CA,
     * sign for its emulated endpoint name, with the fake credentials it trusts.
     */
    static Target local(LocalIamDatabase db, String user) {
        return new Target("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database()
                + "?sslmode=verify-full&sslrootcert=" + db.caCertificate() + "&iamHost=" + db.endpoint()
                + "&awsCredentialsProvider=" + LocalCredentials.class.getName(), user);
    }

    /** The same target as a {@code jdbc:iamdb:postgresql:} URL, for tools that only take a URL. */
    String iamdbUrl() {
        return IamDriver.URL_PREFIX + url.substring("jdbc:".length());
    }
}
