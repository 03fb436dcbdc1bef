package dev.iamdb.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command-line convention shared by the demo and every example: each setting is an option or, when the
 * option is absent, an environment variable. No endpoint means "use the local IAM-verifying PostgreSQL".
 */
record Options(String endpoint, String user, String region, String adminUser, String ungrantedRole) {

    /** Option → environment variable it falls back to. */
    private static final Map<String, String> NAMES = names();

    private static Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("--endpoint", "IAMDB_ENDPOINT");
        names.put("--user", "IAMDB_USER");
        names.put("--region", "AWS_REGION");
        names.put("--admin-user", "IAMDB_ADMIN_USER");
        names.put("--ungranted-role", "IAMDB_UNGRANTED_ROLE");
        return names;
    }

    /**
     * Reads {@code --name value} pairs, then the environment for whatever is not given.
     *
     * @throws IllegalArgumentException naming the option or variable that is wrong, and what is accepted
     */
    static Options parse(String[] args, Map<String, String> env) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (!NAMES.containsKey(option)) {
                throw new IllegalArgumentException("Unknown option '" + option + "'. Accepted: " + String.join(", ", NAMES.keySet())
                        + ", each followed by a value, or the environment variables " + String.join(", ", NAMES.values()) + ".");
            }
            if (i + 1 == args.length || args[i + 1].isBlank()) {
                throw new IllegalArgumentException("Option " + option + " needs a value.");
            }
            given.put(NAMES.get(option), args[i + 1]);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String variable : NAMES.values()) {
            String value = given.getOrDefault(variable, env.get(variable));
            if (value != null && !value.isBlank()) {
                values.put(variable, value.trim());
            }
        }
        Options options = new Options(values.get("IAMDB_ENDPOINT"), values.get("IAMDB_USER"), values.get("AWS_REGION"),
                values.getOrDefault("IAMDB_ADMIN_USER", "admin"), values.get("IAMDB_UNGRANTED_ROLE"));
        if (options.endpoint != null && options.user == null) {
            throw new IllegalArgumentException("IAMDB_ENDPOINT is '" + options.endpoint + "' but no database user is given: set IAMDB_USER "
                    + "(or --user) to the role the examples log in as, such as app.");
        }
        return options;
    }

    /** True when an AWS endpoint is given; otherwise the local IAM-verifying PostgreSQL is used. */
    boolean aws() {
        return endpoint != null;
    }

    /** The AWS endpoint as a target for {@code role}. */
    Target target(String role) {
        return Target.aws(endpoint, role, region);
    }
}
