package dev.iamdb;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * A validated iamdb configuration: who to sign a token for, where, with which credentials, and how to
 * reach the database.
 *
 * <p>Every adapter turns its framework's settings into one of these; all checks happen in
 * {@link Builder#build()}, so a mistake fails when the application starts, with a message naming
 * the setting as the user wrote it, the bad value and what is accepted, rather than on the first
 * connection. Instances are immutable and hold no secrets.
 */
public final class IamConfig {
    private final String url;
    private final TargetDriver driver;
    private final String host;
    private final int port;
    private final String signedHost;
    private final int signedPort;
    private final String region;
    private final IamService service;
    private final String user;
    private final boolean admin;
    private final boolean sessionTokenLogin;
    private final Duration tokenLifetime;
    private final Duration expiration;
    private final String profile;
    private final Class<? extends AwsCredentialsProvider> providerClass;
    private final AwsCredentialsProvider providerInstance;
    private final AssumeRole assumeRole;
    private final Map<String, String> driverProperties;
    private final Map<String, String> driverSettings;
    private final Map<String, Setting> poolSettings;
    private final Clock clock;

    IamConfig(ConfigResolver r, Clock clock) {
        this.url = r.url == null ? null : r.url.targetUrl;
        this.driver = r.driver;
        this.host = r.connectionHost;
        this.port = r.connectionPort;
        this.signedHost = r.signedHost;
        this.signedPort = r.signedPort;
        this.region = r.region;
        this.service = r.service;
        this.user = r.user;
        this.admin = r.admin;
        this.sessionTokenLogin = r.sessionTokenLogin;
        this.tokenLifetime = Duration.ofSeconds(r.lifetime);
        this.expiration = Duration.ofSeconds(r.expiration);
        this.profile = r.profile;
        this.providerClass = r.providerClass;
        this.providerInstance = r.providerInstance;
        this.assumeRole = r.assumeRole;
        this.driverProperties = Map.copyOf(r.driverProperties);
        this.driverSettings = Map.copyOf(r.driverSettings);
        this.poolSettings = Map.copyOf(r.poolSettings);
        this.clock = clock;
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

    /** The port the connection goes to: the URL's, else the target driver's default (5432 for PostgreSQL). */
    int port() {
        return port;
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

    /** Settings for the target driver given as properties (URL parameters stay in {@link #url()}), plus {@code user}. */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    /** The driver setting the user gave under this name, in the URL or as a property, or {@code null}. */
    String userDriverSetting(String name) {
        return driverSettings.get(name);
    }

    /** Every driver setting the user gave, in the URL or as properties, for drivers that read names without regard to case. */
    Map<String, String> userDriverSettings() {
        return driverSettings;
    }

    /** Whether the user set this driver property, in the URL or as a property; iamdb's defaults then give way. */
    boolean userSetDriverProperty(String name) {
        return driverSettings.containsKey(name);
    }

    TargetDriver driver() {
        return driver;
    }

    /** HikariCP settings by HikariCP name, with the name the user wrote, for {@link IamPooledDataSource}. */
    Map<String, Setting> poolSettings() {
        return poolSettings;
    }

    Clock clock() {
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

    /** The role to assume on top of the credentials source, or null. */
    AssumeRole assumeRole() {
        return assumeRole;
    }

    /** Whether the password is the credentials' session token (Percona's auth_awsiam) rather than a signed token. */
    boolean sessionTokenLogin() {
        return sessionTokenLogin;
    }

    /** The SigV4 {@code Action} a token of this configuration carries. */
    String action() {
        if (sessionTokenLogin) {
            return "session-token";
        }
        if (service == IamService.RDS) {
            return "connect";
        }
        return admin ? "DbConnectAdmin" : "DbConnect";
    }

    /** Where credentials come from, for messages; never a secret. */
    String credentialsSource() {
        String source;
        if (providerInstance != null) {
            source = "the supplied credentials provider " + providerInstance.getClass().getName();
        } else if (providerClass != null) {
            source = "awsCredentialsProvider " + providerClass.getName();
        } else if (profile != null) {
            source = "awsProfile '" + profile + "'";
        } else {
            source = "the default AWS credentials chain";
        }
        return assumeRole == null ? source : "role " + assumeRole.roleArn() + " assumed with " + source;
    }

    /**
     * Everything a token and its reuse depend on. Configurations with equal keys sign the same tokens with
     * the same credentials source, so one {@link TokenProvider} may serve both; any difference (another
     * user, host, profile or provider) gives another key.
     */
    TokenKey tokenKey() {
        return new TokenKey(service, action(), signedHost, signedPort, region, user, tokenLifetime, expiration,
                credentialsKey(), clock);
    }

    /** Configurations with equal keys resolve credentials from the same source, so they may share one provider. */
    CredentialsKey credentialsKey() {
        return new CredentialsKey(profile, providerClass, providerInstance, assumeRole,
                assumeRole == null ? null : region);
    }

    /**
     * See {@link #credentialsKey()}. An assumed role's credentials come from that role's STS session in that region,
     * so two roles (or one role with another external id) never share them.
     */
    record CredentialsKey(String profile, Class<? extends AwsCredentialsProvider> providerClass,
                          AwsCredentialsProvider providerInstance, AssumeRole assumeRole, String stsRegion) {
        /** Never prints the provider instance: an application's provider may show its secrets. */
        @Override
        public String toString() {
            return "CredentialsKey[" + (providerClass != null ? providerClass.getName() : profile)
                    + (assumeRole != null ? ", " + assumeRole : "") + "]";
        }

        // equals and hashCode are written out because a record's generated ones bootstrap java.lang.invoke on first
        // use (~150 classes, 20-50 ms), which the first jdbc:iamdb: connection would otherwise pay for its cache keys.
        @Override
        public boolean equals(Object o) {
            return o instanceof CredentialsKey k && Objects.equals(profile, k.profile)
                    && Objects.equals(providerClass, k.providerClass) && Objects.equals(providerInstance, k.providerInstance)
                    && Objects.equals(assumeRole, k.assumeRole) && Objects.equals(stsRegion, k.stsRegion);
        }

        @Override
        public int hashCode() {
            return Objects.hash(profile, providerClass, providerInstance, assumeRole, stsRegion);
        }
    }

    /**
     * {@code awsRoleArn} and its companions: the role tokens are signed as, assumed with the configured source.
     *
     * @param roleArn         the role to assume
     * @param externalId      the external id its trust policy requires, or null
     * @param sessionName     the session name CloudTrail shows
     * @param durationSeconds the lifetime of each session's credentials
     */
    record AssumeRole(String roleArn, String externalId, String sessionName, int durationSeconds) {
        /** Never prints the external id, which some teams treat as a shared secret. */
        @Override
        public String toString() {
            return "AssumeRole[" + roleArn + ", session " + sessionName + ", " + durationSeconds + " s"
                    + (externalId != null ? ", with external id" : "") + "]";
        }

        /** Written out for the same reason as {@link CredentialsKey#equals}. */
        @Override
        public boolean equals(Object o) {
            return o instanceof AssumeRole a && Objects.equals(roleArn, a.roleArn) && Objects.equals(externalId, a.externalId)
                    && Objects.equals(sessionName, a.sessionName) && durationSeconds == a.durationSeconds;
        }

        @Override
        public int hashCode() {
            return Objects.hash(roleArn, externalId, sessionName, durationSeconds);
        }
    }

    /** See {@link #tokenKey()}; a provider instance and a clock compare by their own {@code equals}. */
    record TokenKey(IamService service, String action, String signedHost, int signedPort, String region, String user,
                    Duration tokenLifetime, Duration expiration, CredentialsKey credentials, Clock clock) {
        /** Never prints the provider instance: an application's provider may show its secrets. */
        @Override
        public String toString() {
            return "TokenKey[" + action + " " + user + "@" + signedHost + ":" + signedPort + ", " + region + "]";
        }

        /** Written out for the same reason as {@link CredentialsKey#equals}. */
        @Override
        public boolean equals(Object o) {
            return o instanceof TokenKey k && service == k.service && Objects.equals(action, k.action)
                    && Objects.equals(signedHost, k.signedHost) && signedPort == k.signedPort
                    && Objects.equals(region, k.region) && Objects.equals(user, k.user)
                    && Objects.equals(tokenLifetime, k.tokenLifetime) && Objects.equals(expiration, k.expiration)
                    && Objects.equals(credentials, k.credentials) && Objects.equals(clock, k.clock);
        }

        @Override
        public int hashCode() {
            return Objects.hash(service, action, signedHost, signedPort, region, user, tokenLifetime, expiration,
                    credentials, clock);
        }
    }

    /** A value as the user gave it, with the name they gave it under, so that every message can quote it. */
    record Setting(Object value, String writtenAs) {
        /** Never prints the value: a driver or pool setting may be a secret. */
        @Override
        public String toString() {
            return "Setting[" + writtenAs + "]";
        }
    }

    @Override
    public String toString() {
        if (sessionTokenLogin) {
            return "IamConfig[login=session-token, host=" + host + ", user=" + user + ", credentials=" + credentialsSource() + "]";
        }
        return "IamConfig[service=" + service.propertyValue() + ", host=" + host + ", signedHost=" + signedHost
                + (service == IamService.RDS ? ":" + signedPort : "") + ", region=" + region + ", user=" + user
                + ", action=" + action() + ", tokenLifetime=" + tokenLifetime.toSeconds()
                + "s, expiration=" + expiration.toSeconds() + "s, credentials=" + credentialsSource() + "]";
    }

    /**
     * Collects settings from a JDBC URL, properties and code. Later calls to {@code property} replace
     * earlier ones; a setting given both in the URL and as a property must agree.
     *
     * <p>Keys are iamdb's {@link IamProperty} names, {@code pool.<HikariCP setting>} for
     * {@link IamPooledDataSource} (with {@code pool.dataSource.<name>} going to the JDBC driver, as in
     * HikariCP), or anything else for the target JDBC driver.
     */
    public static final class Builder {
        String url;
        String urlWrittenAs = "url";
        String host;
        int port = -1;
        final Map<String, Setting> properties = new LinkedHashMap<>();
        AwsCredentialsProvider credentialsProvider;
        private Clock clock = Clock.systemUTC();
        Function<String, String> regionFallback = Builder::regionFromEnvironmentOrProfile;

        private Builder() {
        }

        /** The target JDBC URL ({@code jdbc:postgresql://…} or {@code jdbc:iamdb:postgresql://…}); iamdb parameters in it are read. */
        public Builder url(String url) {
            return url(url, "url");
        }

        /** As {@link #url(String)}, for an adapter: errors about the URL name {@code writtenAs}, the user's own key. */
        public Builder url(String url, String writtenAs) {
            this.url = url;
            this.urlWrittenAs = Objects.requireNonNull(writtenAs, "writtenAs");
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

        /**
         * One setting by its {@link IamProperty} name, {@code pool.<HikariCP name>}, or a driver property.
         * Text is always accepted; an iamdb property also takes its natural Java type (a number, a boolean,
         * a {@code Class} or an {@code AwsCredentialsProvider} for {@code awsCredentialsProvider}).
         */
        public Builder property(String name, Object value) {
            return property(name, value, name);
        }

        /**
         * As {@link #property(String, Object)}, for an adapter whose users write the setting under another key,
         * such as {@code hibernate.connection.iamRegion}: every error then names {@code writtenAs}.
         */
        public Builder property(String name, Object value, String writtenAs) {
            Objects.requireNonNull(name, "name");
            properties.put(name, new Setting(Objects.requireNonNull(value, name), Objects.requireNonNull(writtenAs, "writtenAs")));
            return this;
        }

        /** All entries of a map or {@link Properties}, by their keys; entries with a {@code null} value are skipped. */
        public Builder properties(Map<?, ?> settings) {
            settings.forEach((k, v) -> {
                if (v != null) {
                    property(k.toString(), v);
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
            return new IamConfig(new ConfigResolver(this), clock);
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
}
