package dev.iamdb;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Turns a {@link IamConfig.Builder}'s settings into a configuration, in the order the rules are documented in
 * {@code docs/configuration.md}: sort each setting (iamdb property, pool setting, driver property), then
 * host → service → region, service → action and signed port, lifetime → expiration, and one credentials
 * source. Every message names the setting as the user wrote it.
 */
final class ConfigResolver {
    static final String POOL_PREFIX = "pool.";
    /** What Liquibase's Maven plugin and command line send as the password when none is configured. */
    static final String LIQUIBASE_NO_PASSWORD = "null";
    private static final Logger log = LoggerFactory.getLogger(ConfigResolver.class);
    /** HikariCP's prefix for properties of the DataSource it wraps: here, the target driver's. */
    static final String POOL_DRIVER_PREFIX = POOL_PREFIX + "dataSource.";
    static final int RDS_TOKEN_LIFETIME_SECONDS = 900;
    /** The longest gap between the end of reuse and the token's expiry. */
    static final int MAX_EXPIRY_GAP_SECONDS = 30;

    JdbcUrl url;
    private String urlWrittenAs;
    TargetDriver driver;
    String connectionHost;
    /** The port the connection goes to: the URL's, else the target driver's default. */
    int connectionPort;
    String signedHost;
    int signedPort;
    String region;
    IamService service;
    String user;
    boolean admin;
    boolean sessionTokenLogin;
    int lifetime;
    int expiration;
    String profile;
    Class<? extends AwsCredentialsProvider> providerClass;
    AwsCredentialsProvider providerInstance;
    IamConfig.AssumeRole assumeRole;
    final Map<String, String> driverProperties = new LinkedHashMap<>();
    /** Every driver setting the user gave, in the URL or as a property, so that iamdb's defaults give way to them. */
    final Map<String, String> driverSettings = new LinkedHashMap<>();
    private final Map<String, String> driverWrittenAs = new LinkedHashMap<>();
    final Map<String, IamConfig.Setting> poolSettings = new LinkedHashMap<>();
    private final Map<IamProperty, Object> values = new EnumMap<>(IamProperty.class);
    private final Map<IamProperty, String> writtenAs = new EnumMap<>(IamProperty.class);

    ConfigResolver(IamConfig.Builder b) {
        int connectionPort = collect(b);
        this.connectionPort = connectionPort > 0 ? connectionPort : driver.defaultPort();
        requireUser();
        if (Boolean.TRUE.equals(value(IamProperty.IAM_LOGIN))) {
            resolveSessionTokenLogin();
            signedPort = connectionPort > 0 ? connectionPort : driver.defaultPort();
        } else {
            resolveHostAndService();
            resolveRegion(b);
            resolveActionAndPort(connectionPort);
        }
        resolveLifetime();
        resolveCredentials(b);
    }

    /**
     * Percona Server's auth_awsiam: the password is the credentials' session token and nothing is signed, so the
     * settings that shape a token have nothing to act on, and the host need not be an AWS endpoint name.
     */
    private void resolveSessionTokenLogin() {
        String as = as(IamProperty.IAM_LOGIN);
        if (!driver.takesSessionTokenLogin()) {
            throw new IamConfigException(as, "Property " + as + "=session-token is Percona Server's auth_awsiam, a MySQL "
                    + "login; it needs a jdbc:mysql: or jdbc:mariadb: URL, not jdbc:" + driver.subprotocol() + ":.");
        }
        // With awsRoleArn the region still means something: that of the STS endpoint the role is assumed at.
        boolean assumesRole = values.containsKey(IamProperty.AWS_ROLE_ARN);
        for (IamProperty p : List.of(IamProperty.IAM_HOST, IamProperty.IAM_REGION, IamProperty.IAM_SERVICE,
                IamProperty.IAM_DEFAULT_PORT, IamProperty.IAM_TOKEN_LIFETIME, IamProperty.IAM_ADMIN)) {
            if (values.containsKey(p) && !(assumesRole && p == IamProperty.IAM_REGION)) {
                throw new IamConfigException(as(p), "Property " + as(p) + " does not apply with " + as
                        + "=session-token: no token is signed, the session token itself is the password. Remove it.");
            }
        }
        sessionTokenLogin = true;
        region = value(IamProperty.IAM_REGION);
        service = IamService.RDS;
        signedHost = Endpoint.normalise(connectionHost);
        profile = value(IamProperty.AWS_PROFILE);
    }

    /** Whether iamdb reads this key rather than the target driver. */
    static boolean isIamdbKey(String key) {
        return IamProperty.isReserved(key) || key.equals("user") || key.equals("password") || key.startsWith(POOL_PREFIX);
    }

    private int collect(IamConfig.Builder b) {
        urlWrittenAs = b.urlWrittenAs;
        Map<String, String> fromUrl = Map.of();
        int connectionPort = b.port;
        connectionHost = b.host;
        driver = TargetDriver.fallback();
        if (b.url != null) {
            url = JdbcUrl.parse(b.url, b.urlWrittenAs);
            driver = url.driver;
            connectionHost = url.host;
            connectionPort = url.port;
            fromUrl = url.iamParameters;
            driverSettings.putAll(url.driverParameters);
            url.driverParameters.keySet().forEach(name -> driverWrittenAs.put(name, name));
        }
        for (Map.Entry<String, String> e : fromUrl.entrySet()) {
            accept(e.getKey(), new IamConfig.Setting(e.getValue(), e.getKey()));
        }
        for (Map.Entry<String, IamConfig.Setting> e : b.properties.entrySet()) {
            String key = e.getKey();
            String earlier = fromUrl.get(key);
            if (earlier != null && !sameValue(key, earlier, e.getValue())) {
                throw new IamConfigException(e.getValue().writtenAs(), "Property " + e.getValue().writtenAs()
                        + " is set twice with different values: '" + shown(key, earlier) + "' in the URL and '"
                        + shown(key, e.getValue().value()) + "' as " + e.getValue().writtenAs() + "; keep one.");
            }
            accept(key, e.getValue());
        }
        for (String name : driverSettings.keySet()) {
            String why = driver.refusal(name, driverSettings.get(name));
            if (why != null) {
                String as = driverWrittenAs.get(name);
                throw new IamConfigException(as, "Driver setting " + as + " is refused: " + why + ".");
            }
        }
        if (connectionHost == null && values.containsKey(IamProperty.IAM_HOST)) {
            connectionHost = (String) values.get(IamProperty.IAM_HOST);
        }
        if (connectionHost == null || connectionHost.isBlank()) {
            throw new IamConfigException(b.urlWrittenAs, "No host given: set " + b.urlWrittenAs
                    + " to a JDBC URL such as jdbc:postgresql://<cluster>.dsql.us-east-1.on.aws:5432/postgres.");
        }
        return connectionPort;
    }

    private static boolean sameValue(String key, String fromUrl, IamConfig.Setting setting) {
        IamProperty p = IamProperty.forName(key);
        if (p == null) {
            return fromUrl.equals(setting.value().toString());
        }
        return p.parse(fromUrl, key).equals(p.parse(setting.value(), setting.writtenAs()));
    }

    private void accept(String key, IamConfig.Setting setting) {
        String as = setting.writtenAs();
        if (key.equals("password")) {
            acceptPassword(setting);
            return;
        }
        if (key.equals("url")) {
            // pgjdbc would take it as an unknown connection property and ignore it.
            throw new IamConfigException(as, "The JDBC URL was given as a property (" + as + "); give it as the URL "
                    + "(IamConfig.Builder.url, or the framework's URL setting) instead.");
        }
        IamProperty p = IamProperty.forName(key);
        if (p != null) {
            values.put(p, p.parse(setting.value(), as));
            writtenAs.put(p, as);
        } else if (key.startsWith(POOL_DRIVER_PREFIX)) {
            // HikariCP hands these to the DataSource, here iamdb's: the same checks as for any other setting.
            accept(key.substring(POOL_DRIVER_PREFIX.length()), setting);
        } else if (key.startsWith(POOL_PREFIX)) {
            String name = key.substring(POOL_PREFIX.length());
            IamPooledDataSource.checkSetting(name, setting);
            poolSettings.put(name, setting);
        } else if (IamProperty.isReserved(key)) {
            throw unknown(key, as);
        } else {
            acceptDriverProperty(key, setting);
        }
    }

    /**
     * The one rule for a password given to an IAM login, on every route (JDBC URL and properties, Hibernate and JPA
     * settings, MyBatis). Tools send a password when none is configured: an empty one (JDBC tools, jOOQ's code
     * generator, an empty {@code jakarta.persistence.jdbc.password}) or, from Liquibase without
     * {@code emptyPassword}, the text {@code null}. Neither is a password anyone chose, so both are ignored, the
     * second with a warning that names Liquibase's switch. Any other password is refused: whoever set it believes
     * it is used, and it never is.
     */
    private static void acceptPassword(IamConfig.Setting setting) {
        String as = setting.writtenAs();
        String text = setting.value() instanceof CharSequence ? setting.value().toString() : null;
        if ("".equals(text)) {
            return;
        }
        if (LIQUIBASE_NO_PASSWORD.equals(text)) {
            log.warn("Ignoring the password \"null\" given as {}: Liquibase sends it when no password is configured, and "
                    + "iamdb logs in with IAM tokens. Set Liquibase's emptyPassword to true (<emptyPassword>true"
                    + "</emptyPassword> in its Maven plugin) to send none.", as);
            return;
        }
        throw new IamConfigException(as, "A password was configured (" + as
                + "), but iamdb logs in with IAM tokens: remove the password setting.");
    }

    /**
     * Drivers take text; numbers and booleans become text, anything else is refused rather than dropped. A
     * setting also in the URL must agree with it: the driver would use the URL's, iamdb's TLS choice the other.
     */
    private void acceptDriverProperty(String name, IamConfig.Setting setting) {
        Object v = setting.value();
        if (!(v instanceof CharSequence || v instanceof Number || v instanceof Boolean || v instanceof Character)) {
            throw new IamConfigException(setting.writtenAs(), "Driver property " + setting.writtenAs() + " has a value of type "
                    + v.getClass().getName() + ": a JDBC driver takes text, numbers or booleans.");
        }
        String text = v.toString();
        if (url != null && url.driverParameters.containsKey(name) && !url.driverParameters.get(name).equals(text)) {
            throw new IamConfigException(setting.writtenAs(), "Driver setting " + name + " is set twice with different "
                    + "values, in the URL and as " + setting.writtenAs() + "; keep one.");
        }
        driverProperties.put(name, text);
        driverSettings.put(name, text);
        driverWrittenAs.put(name, setting.writtenAs());
    }

    private static String shown(String key, Object value) {
        IamProperty p = IamProperty.forName(key);
        return p == null || p == IamProperty.AWS_EXTERNAL_ID ? "…" : String.valueOf(value);
    }

    private static IamConfigException unknown(String key, String as) {
        String near = Stream.of(IamProperty.values())
                .map(IamProperty::propertyName)
                .filter(n -> distance(n.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 2)
                .findFirst()
                .map(n -> " Did you mean " + n + "?")
                .orElse("");
        String known = Stream.of(IamProperty.values()).map(IamProperty::propertyName)
                .filter(IamProperty::isReserved).collect(Collectors.joining(", "));
        return new IamConfigException(as, "Unknown iamdb property '" + as + "'." + near + " Known properties: " + known + ".");
    }

    /** Edit distance, so that a typo such as iamRegoin still gets its suggestion. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(previous[j], row[j - 1]) + 1);
            }
            int[] t = previous;
            previous = row;
            row = t;
        }
        return previous[b.length()];
    }

    private String as(IamProperty p) {
        return writtenAs.getOrDefault(p, p.propertyName());
    }

    @SuppressWarnings("unchecked")
    private <T> T value(IamProperty p) {
        return (T) values.get(p);
    }

    private void requireUser() {
        user = value(IamProperty.USER);
        if (user == null) {
            throw new IamConfigException(IamProperty.USER.propertyName(), "Property user is required: the database role to "
                    + "log in as (for Aurora DSQL, admin or a role granted with AWS IAM GRANT).");
        }
        driverProperties.put("user", user);
    }

    /** The signed host is iamHost, else the connection host; the service is read from it or given, never both differing. */
    private void resolveHostAndService() {
        String explicitHost = value(IamProperty.IAM_HOST);
        signedHost = Endpoint.normalise(explicitHost != null ? explicitHost : connectionHost);
        Endpoint endpoint = Endpoint.recognise(signedHost);
        IamService given = value(IamProperty.IAM_SERVICE);
        if (given != null) {
            if (endpoint != null && endpoint.service() != given) {
                throw new IamConfigException(as(IamProperty.IAM_SERVICE), "Property " + as(IamProperty.IAM_SERVICE) + " is '"
                        + given.propertyValue() + "' but host '" + signedHost + "' is an " + describe(endpoint.service())
                        + " endpoint: remove " + as(IamProperty.IAM_SERVICE) + " or correct the host.");
            }
            service = given;
        } else if (endpoint != null) {
            service = endpoint.service();
        } else if (explicitHost != null) {
            throw new IamConfigException(as(IamProperty.IAM_HOST), "Cannot tell the service from "
                    + as(IamProperty.IAM_HOST) + " '" + signedHost + "': set iamService to dsql or rds (and iamRegion), "
                    + "or use the endpoint name AWS gives the cluster.");
        } else {
            throw new IamConfigException(as(IamProperty.IAM_HOST), "Cannot tell the AWS service and region from host '"
                    + signedHost + "': it is not an Aurora DSQL or RDS endpoint name. When connecting through an IP address, "
                    + "localhost, a tunnel or a CNAME, set iamHost to the endpoint the token is for (for example "
                    + "<cluster-id>.dsql.us-east-1.on.aws), or set iamService and iamRegion.");
        }
        if (!driver.supports(service)) {
            String why = endpoint != null && given == null ? "host '" + signedHost + "' is an " + describe(service) + " endpoint"
                    : as(IamProperty.IAM_SERVICE) + " is '" + service.propertyValue() + "'";
            throw new IamConfigException(given != null ? as(IamProperty.IAM_SERVICE) : urlWrittenAs, "The URL is jdbc:"
                    + driver.subprotocol() + ": but " + why + ", which speaks PostgreSQL only: connect with a "
                    + "jdbc:postgresql: URL (and org.postgresql:postgresql), or to an RDS or Aurora MySQL endpoint.");
        }
        region = endpoint == null ? null : endpoint.region();
        for (IamProperty p : IamProperty.values()) {
            if (values.containsKey(p) && !p.appliesTo(service)) {
                throw new IamConfigException(as(p), "Property " + as(p) + " ('" + values.get(p) + "') does not apply to "
                        + describe(service) + " host '" + signedHost + "': " + whyNot(p) + ". Remove it.");
            }
        }
    }

    private static String whyNot(IamProperty p) {
        switch (p) {
            case IAM_DEFAULT_PORT:
                return "Aurora DSQL tokens carry no port";
            case IAM_ADMIN:
                return "iamAdmin selects the Aurora DSQL admin action; RDS has one action";
            case IAM_TOKEN_LIFETIME:
                return "RDS tokens always last 900 seconds";
            default:
                return "it is for another service";
        }
    }

    /** The host's own region wins and must not be contradicted; else iamRegion, else AWS_REGION or the profile's. */
    private void resolveRegion(IamConfig.Builder b) {
        String given = value(IamProperty.IAM_REGION);
        profile = value(IamProperty.AWS_PROFILE);
        if (given != null) {
            if (region != null && !region.equals(given)) {
                throw new IamConfigException(as(IamProperty.IAM_REGION), "Property " + as(IamProperty.IAM_REGION) + " is '"
                        + given + "' but host '" + signedHost + "' is in region " + region
                        + ": a token must be signed for the endpoint's own region; remove " + as(IamProperty.IAM_REGION) + ".");
            }
            region = given;
        }
        if (region == null) {
            region = b.regionFallback.apply(profile);
        }
        if (region == null) {
            throw new IamConfigException(as(IamProperty.IAM_REGION), "No AWS region for host '" + signedHost
                    + "': the host names none, AWS_REGION is not set and the AWS profile has no region. Set iamRegion, "
                    + "for example iamRegion=us-east-1.");
        }
    }

    /** DSQL: admin exactly when the user is admin unless iamAdmin says otherwise. RDS: the port is signed. */
    private void resolveActionAndPort(int connectionPort) {
        int port = connectionPort > 0 ? connectionPort : driver.defaultPort();
        if (service == IamService.DSQL) {
            Boolean given = value(IamProperty.IAM_ADMIN);
            if (Boolean.TRUE.equals(given) && !user.equals("admin")) {
                // Refused rather than warned about: every login with such a token would be rejected.
                throw new IamConfigException(as(IamProperty.IAM_ADMIN), "Property " + as(IamProperty.IAM_ADMIN)
                        + " is true but user is '" + user + "': Aurora DSQL accepts DbConnectAdmin tokens only for the admin "
                        + "role; any other role logs in with DbConnect. Remove " + as(IamProperty.IAM_ADMIN) + " or log in as admin.");
            }
            admin = given != null ? given : user.equals("admin");
            signedPort = port;
        } else {
            Integer given = value(IamProperty.IAM_DEFAULT_PORT);
            if (given != null && connectionPort > 0 && given != connectionPort && signedHost.equals(Endpoint.normalise(connectionHost))) {
                // Without a tunnel the endpoint listens on the URL's port: a token signed for another would be refused.
                throw new IamConfigException(as(IamProperty.IAM_DEFAULT_PORT), "Property " + as(IamProperty.IAM_DEFAULT_PORT)
                        + " is " + given + " but the URL connects to " + signedHost + " on port " + connectionPort
                        + " directly: RDS checks the token against the port it listens on. Remove "
                        + as(IamProperty.IAM_DEFAULT_PORT) + ", or set iamHost to the endpoint when connecting through a "
                        + "tunnel or another name.");
            }
            signedPort = given != null ? given : port;
        }
    }

    /**
     * Reuse ends 30 s before expiry by default, or a tenth of the lifetime before it when that is shorter, so
     * that a short lifetime still caches.
     */
    private void resolveLifetime() {
        Integer given = value(IamProperty.IAM_TOKEN_LIFETIME);
        lifetime = service == IamService.RDS ? RDS_TOKEN_LIFETIME_SECONDS
                : given != null ? given : (Integer) IamProperty.IAM_TOKEN_LIFETIME.defaultTyped();
        Integer reuse = value(IamProperty.IAM_EXPIRATION);
        if (reuse == null) {
            expiration = lifetime - Math.min(MAX_EXPIRY_GAP_SECONDS, lifetime / 10);
            return;
        }
        if (reuse > lifetime) {
            throw PropertyType.invalid(as(IamProperty.IAM_EXPIRATION), reuse,
                    "at most the token lifetime (" + lifetime + " s) and at least 0");
        }
        expiration = reuse;
    }

    /** At most one source: an instance from code, a class (or instance) by property, or a profile. */
    private void resolveCredentials(IamConfig.Builder b) {
        Object provider = value(IamProperty.AWS_CREDENTIALS_PROVIDER);
        int sources = (b.credentialsProvider != null ? 1 : 0) + (provider != null ? 1 : 0) + (profile != null ? 1 : 0);
        if (sources > 1) {
            IamProperty named = provider != null ? IamProperty.AWS_CREDENTIALS_PROVIDER : IamProperty.AWS_PROFILE;
            throw new IamConfigException(as(named), "Credentials are configured more than once (awsProfile, "
                    + "awsCredentialsProvider or a provider instance): keep one.");
        }
        providerInstance = b.credentialsProvider;
        if (provider instanceof AwsCredentialsProvider instance) {
            providerInstance = instance;
        } else if (provider != null) {
            providerClass = Credentials.loadProviderClass(provider, as(IamProperty.AWS_CREDENTIALS_PROVIDER));
        }
        resolveAssumeRole();
    }

    /** {@code awsRoleArn} on top of whatever source the configuration has; its companions mean nothing without it. */
    private void resolveAssumeRole() {
        String roleArn = value(IamProperty.AWS_ROLE_ARN);
        if (roleArn == null) {
            for (IamProperty p : List.of(IamProperty.AWS_EXTERNAL_ID, IamProperty.AWS_ROLE_SESSION_NAME,
                    IamProperty.AWS_ROLE_DURATION_SECONDS)) {
                if (values.containsKey(p)) {
                    throw new IamConfigException(as(p), "Property " + as(p) + " applies only to an assumed role: set "
                            + as(IamProperty.AWS_ROLE_ARN) + " too, or remove it.");
                }
            }
            return;
        }
        String sessionName = value(IamProperty.AWS_ROLE_SESSION_NAME);
        Integer duration = value(IamProperty.AWS_ROLE_DURATION_SECONDS);
        assumeRole = new IamConfig.AssumeRole(roleArn, value(IamProperty.AWS_EXTERNAL_ID),
                sessionName != null ? sessionName : Credentials.defaultSessionName(),
                duration != null ? duration : (Integer) IamProperty.AWS_ROLE_DURATION_SECONDS.defaultTyped());
    }

    private static String describe(IamService s) {
        return s == IamService.DSQL ? "Aurora DSQL" : "RDS";
    }
}
