package dev.iamdb;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting iamdb understands, defined once: name, default and description. Hibernate, jOOQ,
 * Flyway, MyBatis, the {@code jdbc:iamdb:} URL and the command line all accept these names, and
 * {@code docs/configuration.md} shows this same table.
 */
public enum IamProperty {
    USER("user", "required",
            "Database user (role) to log in as; the token is signed for it."),
    IAM_HOST("iamHost", "the connection host",
            "Host the token is signed for. Set it when connecting through a tunnel, PrivateLink, an IP address, "
                    + "a CNAME or a local test server."),
    IAM_DEFAULT_PORT("iamDefaultPort", 1, 65535, "the connection port, else 5432",
            "Port signed into RDS tokens (RDS only)."),
    IAM_REGION("iamRegion", "parsed from the signed host; else AWS_REGION / profile region",
            "AWS region, such as us-east-1."),
    IAM_SERVICE("iamService", "recognised from the signed host",
            "dsql (Aurora DSQL) or rds (RDS and Aurora PostgreSQL/MySQL)."),
    IAM_ADMIN("iamAdmin", "true exactly when user is admin",
            "Aurora DSQL: sign DbConnectAdmin instead of DbConnect (DSQL only)."),
    // At least 60 s: a token is dated to the whole second, so it may live up to 1 s less than this, and reuse stops a
    // tenth of it before expiry; shorter lifetimes leave connections too little time to log in with a fresh token.
    IAM_TOKEN_LIFETIME("iamTokenLifetime", 60, 604_800, "900",
            "Aurora DSQL token lifetime in seconds, 60..604800 (DSQL only; RDS tokens always last 900 s)."),
    IAM_EXPIRATION("iamExpiration", 0, 604_800, "870 for RDS; lifetime minus 30 s for DSQL",
            "Seconds a token is reused before a new one is signed; 0 signs a new token for every connection."),
    AWS_PROFILE("awsProfile", "default credentials chain",
            "Named profile from the shared AWS config and credentials files."),
    AWS_CREDENTIALS_PROVIDER("awsCredentialsProvider", "default credentials chain",
            "Class name of an AwsCredentialsProvider with a public no-argument constructor or a static create().");

    private static final Map<String, IamProperty> BY_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(p -> p.name, Function.identity()));

    private final String name;
    private final Integer min;
    private final Integer max;
    private final String defaultValue;
    private final String description;

    IamProperty(String name, String defaultValue, String description) {
        this(name, null, null, defaultValue, description);
    }

    IamProperty(String name, Integer min, Integer max, String defaultValue, String description) {
        this.name = name;
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The name to use in properties, URLs and framework configuration. */
    public String propertyName() {
        return name;
    }

    /** What applies when the property is not set. */
    public String defaultValue() {
        return defaultValue;
    }

    /** One sentence for documentation and {@code Driver.getPropertyInfo}. */
    public String description() {
        return description;
    }

    /** The property with this exact name, or {@code null}. */
    public static IamProperty forName(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Whether a key belongs to iamdb's name space. Such keys must be known properties: a misspelt
     * {@code iamRegoin} fails instead of being passed to the driver and ignored.
     */
    public static boolean isReserved(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.startsWith("iam") || k.startsWith("aws");
    }

    int parseInt(String value) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(value, "a whole number from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw invalid(value, "a whole number from " + min + " to " + max);
        }
        return parsed;
    }

    boolean parseBoolean(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw invalid(value, "true or false");
    }

    IamConfigException invalid(String value, String accepted) {
        return new IamConfigException(this, "Invalid value '" + value + "' for property " + name + ": expected " + accepted + ".");
    }
}
