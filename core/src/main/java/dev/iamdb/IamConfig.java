package dev.iamdb;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * A validated iamdb configuration: who to sign a token for, where, and with which credentials.
 *
 * <p>Every adapter turns its framework's settings into one of these; all checks happen in
 * {@link Builder#build()}, so a mistake fails when the application starts, with a message naming
 * the property, the bad value and what is accepted, rather than on the first connection.
 * Instances are immutable and hold no secrets.
 */
public final class IamConfig {
    static final int RDS_TOKEN_LIFETIME_SECONDS = 900;
    static final int DEFAULT_DSQL_LIFETIME_SECONDS = 900;
    /** Default gap between the end of reuse and the token's expiry. */
    static final int DEFAULT_EXPIRY_GAP_SECONDS = 30;
    static final int DEFAULT_POSTGRES_PORT = 5432;

    private final String url;
    private final String host;
    private final String signedHost;
    private final int signedPort;
    private final String region;
    private final IamService service;
    private final String user;
    private final boolean admin;
    private final Duration tokenLifetime;
    private final Duration expiration;
    private final String profile;
    private final Class<? extends AwsCredentialsProvider> providerClass;
    private final AwsCredentialsProvider providerInstance;
    private final Map<String, String> driverProperties;
    private final Clock clock;

    private IamConfig(Builder b, Resolved r) {
        this.url = r.url == null ? null : r.url.targetUrl;
        this.host = r.connectionHost;
        this.signedHost = r.signedHost;
        this.signedPort = r.signedPort;
        this.region = r.region;
        this.service = r.service;
        this.user = r.user;
        this.admin = r.admin;
        this.tokenLifetime = Duration.ofSeconds(r.lifetime);
        this.expiration = Duration.ofSeconds(r.expiration);
        this.profile = r.profile;
        this.providerClass = r.providerClass;
        this.providerInstance = b.credentialsProvider;
        this.driverProperties = Collections.unmodifiableMap(r.driverProperties);
        this.clock = b.clock;
    }

    /** Starts a configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The JDBC URL handed to the target driver (iamdb parameters removed), or {@code null} when built from a host. */
    public String url() {
        return url;
    }

    /** The host the connection goes to. */
    public String host() {
        return host;
    }

    /** The host the token is signed for: {@code iamHost}, else the connection host. */
    public String signedHost() {
        return signedHost;
    }

    /** The port signed into RDS tokens; Aurora DSQL tokens carry no port. */
    public int signedPort() {
        return signedPort;
    }

    public String region() {
        return region;
    }

    public IamService service() {
        return service;
    }

    public String user() {
        return user;
    }

    /** Aurora DSQL only: whether tokens are signed for {@code DbConnectAdmin}. */
    public boolean admin() {
        return admin;
    }

    /** How long a token is valid once signed. */
    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    /** How long a token is reused; zero signs one per connection. */
    public Duration expiration() {
        return expiration;
    }

    /** Settings for the target driver: everything that is not an iamdb property, plus {@code user}. */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    public Clock clock() {
        return clock;
    }

    String profile() {
        return profile;
    }

    Class<? extends AwsCredentialsProvider> providerClass() {
        return providerClass;
    }

    AwsCredentialsProvider providerInstance() {
        return providerInstance;
    }

    /** The SigV4 {@code Action} a token of this configuration carries. */
    String action() {
        if (service == IamService.RDS) {
            return "connect";
        }
        return admin ? "DbConnectAdmin" : "DbConnect";
    }

    /** Where credentials come from, for messages; never a secret. */
    String credentialsSource() {
        if (providerInstance != null) {
            return "the supplied credentials provider " + providerInstance.getClass().getName();
        }
        if (providerClass != null) {
            return "awsCredentialsProvider " + providerClass.getName();
        }
        if (profile != null) {
            return "awsProfile '" + profile + "'";
        }
        return "the default AWS credentials chain";
    }

    /**
     * Everything a token and its reuse depend on. Configurations with equal keys sign the same tokens with
     * the same credentials source, so one {@link TokenProvider} may serve both; any difference (another
     * user, host, profile or provider) gives another key.
     */
    TokenKey tokenKey() {
        return new TokenKey(service, action(), signedHost, signedPort, region, user, tokenLifetime, expiration,
                profile, providerClass, providerInstance, clock);
    }

    /** See {@link #tokenKey()}; a provider instance and a clock compare by their own {@code equals}. */
    record TokenKey(IamService service, String action, String signedHost, int signedPort, String region, String user,
                    Duration tokenLifetime, Duration expiration, String profile,
                    Class<? extends AwsCredentialsProvider> providerClass, AwsCredentialsProvider providerInstance,
                    Clock clock) {
        /** Never prints the provider instance: an application's provider may show its secrets. */
        @Override
        public String toString() {
            return "TokenKey[" + action + " " + user + "@" + signedHost + ":" + signedPort + ", " + region + "]";
        }
    }

    @Override
    public String toString() {
        return "IamConfig[service=" + service.propertyValue() + ", host=" + host + ", signedHost=" + signedHost
                + (service == IamService.RDS ? ":" + signedPort : "") + ", region=" + region + ", user=" + user
                + ", action=" + action() + ", tokenLifetime=" + tokenLifetime.toSeconds()
                + "s, expiration=" + expiration.toSeconds() + "s, credentials=" + credentialsSource() + "]";
    }

    /** Whether iamdb reads this key rather than the target driver. */
    static boolean isIamdbKey(String key) {
        return IamProperty.isReserved(key) || key.equals("user") || key.equals("password");
    }

    /**
     * Collects settings from a JDBC URL, properties and code. Later calls to {@code property} replace
     * earlier ones; a setting given both in the URL and as a property must agree.
     */
    public static final class Builder {
        private String url;
        private String host;
        private int port = -1;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private AwsCredentialsProvider credentialsProvider;
        private Clock clock = Clock.systemUTC();
        private Function<String, String> regionFallback = Builder::regionFromEnvironmentOrProfile;

        private Builder() {
        }

        /** The target JDBC URL ({@code jdbc:postgresql://…} or {@code jdbc:iamdb:postgresql://…}); iamdb parameters in it are read. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** The connection host, for configurations without a JDBC URL. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The connection port, for configurations without a JDBC URL. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** One setting by its {@link IamProperty} name, or a driver property to pass through. */
        public Builder property(String name, String value) {
            properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
            return this;
        }

        /** All entries of a map or {@link Properties}; values are converted with {@code toString()}. */
        public Builder properties(Map<?, ?> settings) {
            settings.forEach((k, v) -> {
                if (v != null) {
                    property(k.toString(), v.toString());
                }
            });
            return this;
        }

        /**
         * Credentials to sign with, instead of {@code awsProfile}, {@code awsCredentialsProvider} or the
         * default chain. The caller owns it: iamdb never closes a provider it did not create.
         */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            this.credentialsProvider = provider;
            return this;
        }

        /** The clock tokens are signed and cached by; tests move it instead of waiting. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Replaces the AWS_REGION / profile lookup; tests must not depend on the machine's settings. */
        Builder regionFallback(Function<String, String> regionForProfile) {
            this.regionFallback = regionForProfile;
            return this;
        }

        /** Validates everything and returns the configuration; throws {@link IamConfigException} on the first mistake. */
        public IamConfig build() {
            return new IamConfig(this, new Resolved(this));
        }

        private static String regionFromEnvironmentOrProfile(String profile) {
            try {
                AwsProfileRegionProvider fromProfile = profile == null
                        ? new AwsProfileRegionProvider()
                        : new AwsProfileRegionProvider(ProfileFile::defaultProfileFile, profile);
                return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), fromProfile).getRegion().id();
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /** The build steps, kept apart so the finished object holds only results. */
    private static final class Resolved {
        JdbcUrl url;
        String connectionHost;
        String signedHost;
        int signedPort;
        String region;
        IamService service;
        String user;
        boolean admin;
        int lifetime;
        int expiration;
        String profile;
        Class<? extends AwsCredentialsProvider> providerClass;
        final Map<String, String> driverProperties = new LinkedHashMap<>();
        private final Map<IamProperty, String> iam = new LinkedHashMap<>();

        Resolved(Builder b) {
            int connectionPort = collect(b);
            user = iam.get(IamProperty.USER);
            if (user == null || user.isBlank()) {
                throw new IamConfigException(IamProperty.USER,
                        "Property user is required: the database role to log in as (for Aurora DSQL, admin or a role granted with AWS IAM GRANT).");
            }
            driverProperties.put("user", user);
            resolveHostAndService();
            resolveRegion(b);
            resolveActionAndPort(connectionPort);
            resolveLifetime();
            resolveCredentials(b);
        }

        private int collect(Builder b) {
            Map<String, String> fromUrl = Map.of();
            int connectionPort = b.port;
            connectionHost = b.host;
            if (b.url != null) {
                url = JdbcUrl.parse(b.url);
                connectionHost = url.host;
                connectionPort = url.port;
                fromUrl = url.iamParameters;
            }
            for (Map.Entry<String, String> e : fromUrl.entrySet()) {
                accept(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, String> e : b.properties.entrySet()) {
                String key = e.getKey();
                String earlier = fromUrl.get(key);
                if (earlier != null && !earlier.equals(e.getValue())) {
                    throw new IamConfigException(key, "Property " + key + " is set twice with different values: '"
                            + shown(key, earlier) + "' in the URL and '" + shown(key, e.getValue()) + "' in the properties; keep one.");
                }
                accept(key, e.getValue());
            }
            if (connectionHost == null) {
                connectionHost = iam.get(IamProperty.IAM_HOST);
            }
            if (connectionHost == null || connectionHost.isBlank()) {
                throw new IamConfigException("url", "No host given: set a JDBC URL such as jdbc:postgresql://<cluster>.dsql.us-east-1.on.aws:5432/postgres.");
            }
            return connectionPort;
        }

        private void accept(String key, String value) {
            if (key.equals("password")) {
                throw new IamConfigException("password",
                        "A password was configured, but iamdb logs in with IAM tokens: remove the password setting.");
            }
            if (key.equals("url")) {
                // pgjdbc would take it as an unknown connection property and ignore it.
                throw new IamConfigException("url", "The JDBC URL was given as a property; give it as the URL "
                        + "(IamConfig.Builder.url, or the framework's URL setting) instead.");
            }
            IamProperty p = IamProperty.forName(key);
            if (p != null) {
                iam.put(p, value);
            } else if (IamProperty.isReserved(key)) {
                throw unknown(key, value);
            } else {
                driverProperties.put(key, value);
            }
        }

        private static String shown(String key, String value) {
            return IamProperty.forName(key) == null && !key.equals("user") ? "…" : value;
        }

        private static IamConfigException unknown(String key, String value) {
            String near = Stream.of(IamProperty.values())
                    .map(IamProperty::propertyName)
                    .filter(n -> distance(n.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 2)
                    .findFirst()
                    .map(n -> " Did you mean " + n + "?")
                    .orElse("");
            String known = Stream.of(IamProperty.values()).map(IamProperty::propertyName)
                    .filter(IamProperty::isReserved).collect(Collectors.joining(", "));
            return new IamConfigException(key, "Unknown iamdb property '" + key + "'." + near + " Known properties: " + known + ".");
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

        private void resolveHostAndService() {
            String explicitHost = iam.get(IamProperty.IAM_HOST);
            if (explicitHost != null && explicitHost.isBlank()) {
                throw IamProperty.IAM_HOST.invalid(explicitHost, "a host name such as abc123.dsql.us-east-1.on.aws");
            }
            signedHost = Endpoint.normalise(explicitHost != null ? explicitHost : connectionHost);
            Endpoint endpoint = Endpoint.recognise(signedHost);
            String serviceText = iam.get(IamProperty.IAM_SERVICE);
            if (serviceText != null) {
                service = IamService.fromPropertyValue(serviceText);
                if (service == null) {
                    throw IamProperty.IAM_SERVICE.invalid(serviceText, "dsql or rds");
                }
                if (endpoint != null && endpoint.service() != service) {
                    throw new IamConfigException(IamProperty.IAM_SERVICE, "Property iamService is '" + serviceText
                            + "' but host '" + signedHost + "' is an " + describe(endpoint.service())
                            + " endpoint: remove iamService or correct the host.");
                }
            } else if (endpoint != null) {
                service = endpoint.service();
            } else {
                throw new IamConfigException(explicitHost != null ? IamProperty.IAM_SERVICE : IamProperty.IAM_HOST,
                        unrecognisedHost(explicitHost != null));
            }
            region = endpoint == null ? null : endpoint.region();
        }

        private String unrecognisedHost(boolean hostWasExplicit) {
            if (hostWasExplicit) {
                return "Cannot tell the service from iamHost '" + signedHost
                        + "': set iamService to dsql or rds (and iamRegion), or use the endpoint name AWS gives the cluster.";
            }
            return "Cannot tell the AWS service and region from host '" + signedHost
                    + "': it is not an Aurora DSQL or RDS endpoint name. When connecting through an IP address, localhost, "
                    + "a tunnel or a CNAME, set iamHost to the endpoint the token is for (for example "
                    + "<cluster-id>.dsql.us-east-1.on.aws), or set iamService and iamRegion.";
        }

        private void resolveRegion(Builder b) {
            String regionText = iam.get(IamProperty.IAM_REGION);
            profile = iam.get(IamProperty.AWS_PROFILE);
            if (regionText != null) {
                String r = regionText.trim().toLowerCase(Locale.ROOT);
                if (!Endpoint.REGION.matcher(r).matches()) {
                    throw IamProperty.IAM_REGION.invalid(regionText, "a region such as us-east-1 or eu-west-2");
                }
                if (region != null && !region.equals(r)) {
                    throw new IamConfigException(IamProperty.IAM_REGION, "Property iamRegion is '" + regionText + "' but host '"
                            + signedHost + "' is in region " + region + ": a token must be signed for the endpoint's own region; remove iamRegion.");
                }
                region = r;
            }
            if (region == null) {
                region = b.regionFallback.apply(profile);
            }
            if (region == null) {
                throw new IamConfigException(IamProperty.IAM_REGION, "No AWS region for host '" + signedHost
                        + "': the host names none, AWS_REGION is not set and the AWS profile has no region. Set iamRegion, for example iamRegion=us-east-1.");
            }
        }

        private void resolveActionAndPort(int connectionPort) {
            String adminText = iam.get(IamProperty.IAM_ADMIN);
            String portText = iam.get(IamProperty.IAM_DEFAULT_PORT);
            if (service == IamService.DSQL) {
                rejectFor(IamProperty.IAM_DEFAULT_PORT, portText, "Aurora DSQL tokens carry no port");
                admin = adminText != null ? IamProperty.IAM_ADMIN.parseBoolean(adminText) : user.equals("admin");
                signedPort = connectionPort > 0 ? connectionPort : DEFAULT_POSTGRES_PORT;
            } else {
                rejectFor(IamProperty.IAM_ADMIN, adminText, "iamAdmin selects the Aurora DSQL admin action; RDS has one action");
                signedPort = portText != null ? IamProperty.IAM_DEFAULT_PORT.parseInt(portText)
                        : connectionPort > 0 ? connectionPort : DEFAULT_POSTGRES_PORT;
            }
        }

        private void resolveLifetime() {
            String lifetimeText = iam.get(IamProperty.IAM_TOKEN_LIFETIME);
            if (service == IamService.DSQL) {
                lifetime = lifetimeText != null ? IamProperty.IAM_TOKEN_LIFETIME.parseInt(lifetimeText) : DEFAULT_DSQL_LIFETIME_SECONDS;
            } else {
                rejectFor(IamProperty.IAM_TOKEN_LIFETIME, lifetimeText, "RDS tokens always last 900 seconds");
                lifetime = RDS_TOKEN_LIFETIME_SECONDS;
            }
            String expirationText = iam.get(IamProperty.IAM_EXPIRATION);
            if (expirationText == null) {
                expiration = Math.max(0, lifetime - DEFAULT_EXPIRY_GAP_SECONDS);
                return;
            }
            expiration = IamProperty.IAM_EXPIRATION.parseInt(expirationText);
            if (expiration > lifetime) {
                throw IamProperty.IAM_EXPIRATION.invalid(expirationText,
                        "at most the token lifetime (" + lifetime + " s) and at least 0");
            }
        }

        private void rejectFor(IamProperty p, String value, String why) {
            if (value != null) {
                throw new IamConfigException(p, "Property " + p.propertyName() + " ('" + value + "') does not apply to "
                        + describe(service) + " host '" + signedHost + "': " + why + ". Remove it.");
            }
        }

        private void resolveCredentials(Builder b) {
            String className = iam.get(IamProperty.AWS_CREDENTIALS_PROVIDER);
            int sources = (b.credentialsProvider != null ? 1 : 0) + (className != null ? 1 : 0) + (profile != null ? 1 : 0);
            if (sources > 1) {
                throw new IamConfigException(className != null ? IamProperty.AWS_CREDENTIALS_PROVIDER : IamProperty.AWS_PROFILE,
                        "Credentials are configured more than once (awsProfile, awsCredentialsProvider or a provider instance): keep one.");
            }
            if (profile != null && profile.isBlank()) {
                throw IamProperty.AWS_PROFILE.invalid(profile, "the name of a profile in ~/.aws/config or ~/.aws/credentials");
            }
            if (className != null) {
                providerClass = Credentials.loadProviderClass(className.trim());
            }
        }

        private static String describe(IamService s) {
            return s == IamService.DSQL ? "Aurora DSQL" : "RDS";
        }
    }
}
