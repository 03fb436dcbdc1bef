package dev.iamdb;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting iamdb understands, defined once: name, type, default (a value, or the rule that computes
 * it), whether it is required, what it accepts, which services it applies to, and a description.
 * Validation, {@link IamDriver#getPropertyInfo}, the command line's help and every adapter read this table;
 * {@code docs/configuration.md} shows it, and a test keeps the two equal.
 *
 * <p>Hibernate, jOOQ, Flyway, MyBatis, the {@code jdbc:iamdb:} URL and the command line all accept these
 * names. Rules that join several properties (host to service to region, admin to user, expiration to
 * lifetime) are applied when an {@link IamConfig} is built and described in {@code docs/configuration.md}.
 */
public enum IamProperty {
    USER("user", PropertyType.TEXT, null, "required", Scope.ALL, true,
            "Database user (role) to log in as; the token is signed for it."),
    IAM_HOST("iamHost", PropertyType.HOST, null, "the connection host", Scope.ALL, false,
            "Host the token is signed for. Set it when connecting through a tunnel, PrivateLink, an IP address, "
                    + "a CNAME or a local test server."),
    IAM_DEFAULT_PORT("iamDefaultPort", PropertyType.PORT, null, "the connection port, else 5432 (PostgreSQL) or 3306 (MySQL, MariaDB)", Scope.RDS, false,
            "Port signed into RDS tokens."),
    IAM_REGION("iamRegion", PropertyType.REGION, null, "parsed from the signed host; else AWS_REGION / profile region",
            Scope.ALL, false, "AWS region, such as us-east-1."),
    IAM_SERVICE("iamService", PropertyType.SERVICE, null, "recognised from the signed host", Scope.ALL, false,
            "dsql (Aurora DSQL) or rds (RDS and Aurora PostgreSQL/MySQL)."),
    IAM_ADMIN("iamAdmin", PropertyType.BOOLEAN, null, "true exactly when user is admin", Scope.DSQL, false,
            "Sign DbConnectAdmin instead of DbConnect."),
    // At least 60 s: a token is dated to the whole second, so it may live up to 1 s less than this, and reuse stops a
    // tenth of it before expiry; shorter lifetimes leave connections too little time to log in with a fresh token.
    IAM_TOKEN_LIFETIME("iamTokenLifetime", PropertyType.integer(60, 604_800), 900, "900", Scope.DSQL, false,
            "Token lifetime in seconds (RDS tokens always last 900 s)."),
    IAM_EXPIRATION("iamExpiration", PropertyType.integer(0, 604_800), null,
            "lifetime minus 30 s (a tenth of it when that is shorter): 870 for RDS", Scope.ALL, false,
            "Seconds a token is reused before a new one is signed; 0 signs a new token for every connection."),
    IAM_LOGIN("iamLogin", PropertyType.LOGIN, null, "token", Scope.RDS, false,
            "token: the password is a signed IAM auth token. session-token: it is the credentials' session token, "
                    + "for Percona Server's auth_awsiam (MySQL URLs; the user is the IAM role's name)."),
    AWS_PROFILE("awsProfile", PropertyType.TEXT, null, "the route the process is configured for", Scope.ALL, false,
            "Named profile from the shared AWS config and credentials files."),
    AWS_CREDENTIALS_PROVIDER("awsCredentialsProvider", PropertyType.CREDENTIALS_PROVIDER, null, "the route the process is configured for",
            Scope.ALL, false, "Class name of an AwsCredentialsProvider with a public no-argument constructor or a static "
                    + "create(); frameworks that pass objects may give the Class or an instance."),
    AWS_ROLE_ARN("awsRoleArn", PropertyType.ROLE_ARN, null, "none: sign with the source credentials", Scope.ALL, false,
            "IAM role to assume (STS AssumeRole) with the credentials the other settings give; tokens are signed as that "
                    + "role, with its credentials refreshed before they expire."),
    AWS_EXTERNAL_ID("awsExternalId", PropertyType.secretPattern("[\\w+=,.@:/-]{2,1224}",
            "2 to 1224 letters, digits or +=,.@:/-"), null, "none", Scope.ALL, false,
            "External id the role's trust policy requires (sts:ExternalId); only with awsRoleArn."),
    AWS_ROLE_SESSION_NAME("awsRoleSessionName", PropertyType.pattern("[\\w+=,.@-]{2,64}", "2 to 64 letters, digits or +=,.@-"),
            null, "iamdb- and the application's main class or jar name", Scope.ALL, false,
            "Session name of the assumed role, shown in CloudTrail; only with awsRoleArn."),
    AWS_ROLE_DURATION_SECONDS("awsRoleDurationSeconds", PropertyType.integer(900, 43_200), 3600, "3600", Scope.ALL, false,
            "Lifetime of the assumed role's credentials in seconds, up to the role's maximum session duration; only with "
                    + "awsRoleArn.");

    private static final Map<String, IamProperty> BY_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(p -> p.name, Function.identity()));

    /** Which services a property means something for; setting it for another service is an error. */
    private enum Scope {
        ALL(EnumSet.allOf(IamService.class)), DSQL(EnumSet.of(IamService.DSQL)), RDS(EnumSet.of(IamService.RDS));

        final Set<IamService> services;

        Scope(Set<IamService> services) {
            this.services = services;
        }
    }

    private final String name;
    private final PropertyType<?> type;
    private final Object defaultValue;
    private final String defaultText;
    private final Scope scope;
    private final boolean required;
    private final String description;

    IamProperty(String name, PropertyType<?> type, Object defaultValue, String defaultText, Scope scope, boolean required,
                String description) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.scope = scope;
        this.required = required;
        this.description = description;
    }

    /** The name to use in properties, URLs and framework configuration. */
    public String propertyName() {
        return name;
    }

    /** What applies when the property is not set: a value, or the rule that computes one. */
    public String defaultValue() {
        return defaultText;
    }

    /** One sentence for documentation and {@code Driver.getPropertyInfo}. */
    public String description() {
        return description;
    }

    /** Whether a configuration without this property fails. */
    boolean required() {
        return required;
    }

    /** The values accepted, for properties with a fixed set of them ({@code iamService}, booleans); else empty. */
    List<String> choices() {
        return type.choices();
    }

    /**
     * Checks a value the way building a configuration does, so that a front end can reject it early.
     *
     * @param value     text, or a value of the property's natural type (a number, a boolean, a class)
     * @param writtenAs the name the user gave the setting, which the error message then uses
     * @return the value in its natural type
     * @throws IamConfigException naming {@code writtenAs}, the bad value and what is accepted
     */
    public Object parse(Object value, String writtenAs) {
        return type.parse(value, writtenAs);
    }

    /** The property with this exact name, or {@code null}. */
    static IamProperty forName(String name) {
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

    /** What the property accepts, for the documentation and messages. */
    String accepted() {
        return type.accepted();
    }

    /** The services it applies to, for the documentation: {@code dsql}, {@code rds} or both. */
    String services() {
        return scope.services.stream().map(IamService::propertyValue).collect(Collectors.joining(", "));
    }

    boolean appliesTo(IamService service) {
        return scope.services.contains(service);
    }

    /** The table's own default, for properties whose default is a value rather than a rule. */
    Object defaultTyped() {
        return defaultValue;
    }
}
