package dev.iamdb.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A local AWS for credentials: loopback emulations of the services that hand credentials to the AWS SDK's default
 * chain, each checking its input the way AWS does, so that every credentials route is tested end to end without an
 * AWS account.
 * <ul>
 * <li>STS ({@code AssumeRole} with the caller's SigV4 signature, external id and duration checked;
 * {@code AssumeRoleWithWebIdentity} with a web identity token issued here; {@code GetCallerIdentity});</li>
 * <li>the EC2 instance metadata service v2 (token {@code PUT}, then the instance role's credentials);</li>
 * <li>the container credentials endpoint (ECS task role by full URI, EKS Pod Identity with its token file);</li>
 * <li>the IAM Identity Center portal ({@code GetRoleCredentials} with an access token from the SSO cache) and SSO OIDC
 *     ({@code CreateToken} with the refresh token of an {@code sso_session} login).</li>
 * </ul>
 * Every credential issued belongs to a {@link Role}: a database built with
 * {@link LocalIamDatabase.Builder#aws(LocalAws)} accepts tokens signed with it as the role's ARN, the principal that
 * DSQL's {@code AWS IAM GRANT} names, until the session expires by this instance's {@link Builder#clock(Clock) clock}.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.builder().role("app").start();
 *      LocalIamDatabase db = LocalIamDatabase.builder().aws(aws).start();
 *      AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "app")) {
 *     db.grant("admin", aws.roleArn("app"));
 *     // code using the SDK's default credentials chain now signs as role "app"
 * }
 * }</pre>
 *
 * The SDK is pointed here only through its public switches; {@link #environment(Route, String)} lists them per route.
 */
public final class LocalAws implements AutoCloseable {

    /** The account the roles and the user belong to unless {@link Builder#accountId(String)} says otherwise. */
    public static final String DEFAULT_ACCOUNT_ID = "123456789012";
    /** The name of the IAM user whose long-term keys {@link #user()} returns. */
    public static final String USER_NAME = "iamdb-local-user";
    /** The IAM Identity Center start URL of the SSO profiles written here. */
    public static final String SSO_START_URL = "https://iamdb-local.awsapps.com/start";
    /** The {@code sso-session} section name of the {@link Route#SSO_SESSION} profile (its cache file's name). */
    public static final String SSO_SESSION_NAME = "iamdb-local";
    /** The profile name the profile routes select with {@code AWS_PROFILE}. */
    public static final String PROFILE_NAME = "iamdb-local";

    /** How long the instance, container and portal credentials live, as EC2 and ECS hand out (about six hours). */
    static final Duration PROVIDED_SESSION = Duration.ofHours(6);
    /** Lifetime of a portal access token written by {@link #environment} for an SSO route: {@code aws sso login}'s. */
    static final Duration SSO_LOGIN = Duration.ofHours(8);
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    /** A way the SDK's default chain finds credentials; {@link #environment(Route, String)} sets it up. */
    public enum Route {
        /** EKS IAM roles for service accounts: a web identity token file and a role ARN, exchanged at STS. */
        WEB_IDENTITY,
        /** EKS Pod Identity: the container credentials full URI with an authorization token file. */
        POD_IDENTITY,
        /** An ECS task role read from the container credentials full URI. */
        CONTAINER,
        /** An EC2 instance profile read from the instance metadata service, v2 (session token) only by default. */
        INSTANCE_METADATA,
        /** An IAM Identity Center profile with an {@code sso_session} section; needs {@code HOME} (child process). */
        SSO_SESSION,
        /** A legacy IAM Identity Center profile ({@code sso_start_url} in the profile); needs {@code HOME}. */
        SSO_LEGACY,
        /** A profile with {@code role_arn} and {@code source_profile} naming a profile with the user's keys. */
        ROLE_PROFILE
    }

    private final String accountId;
    private final String region;
    private final Clock clock;
    private final boolean imdsV1;
    private final Map<String, Role> roles;
    private final Identity user;
    private final Path directory;
    private final AwsEndpoints endpoints;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<Identity> issued = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Grant> webIdentityTokens = new ConcurrentHashMap<>();
    private final Map<String, Grant> podTokens = new ConcurrentHashMap<>();
    private final Map<String, Grant> ecsTasks = new ConcurrentHashMap<>();
    private final Map<String, Grant> ssoTokens = new ConcurrentHashMap<>();
    /** The refresh tokens of {@code sso_session} logins: the IAM Identity Center session behind the access tokens. */
    private final Map<String, Grant> ssoSessions = new ConcurrentHashMap<>();
    /** The client registration {@code aws sso login} writes beside an {@code sso_session} login (one per instance). */
    private final String ssoClientId = "iamdb-local-client-" + Identity.random(TOKEN_ALPHABET, 16);
    private final String ssoClientSecret = Identity.random(TOKEN_ALPHABET, 64);
    private volatile String instanceRole;

    /** A credential issued for a role: who, how to name the session, and until when it is valid. */
    record Session(Identity identity, Role role, String sessionName, Instant expiration) {
        String assumedRoleArn(String accountId) {
            return "arn:aws:sts::" + accountId + ":assumed-role/" + role.name() + "/" + sessionName;
        }
    }

    /** A bearer token issued here (web identity, container, portal access) for a role, valid until {@code expiration}. */
    record Grant(String role, Instant expiration) {
    }

    private LocalAws(Builder b) throws IOException {
        this.accountId = b.accountId;
        this.region = b.region;
        this.clock = b.clock;
        this.imdsV1 = b.imdsV1;
        Map<String, Role> byName = new LinkedHashMap<>();
        for (Role r : b.roles) {
            byName.put(r.name(), r);
        }
        this.roles = Collections.unmodifiableMap(byName);
        this.user = Identity.of("AKIA" + Identity.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                Identity.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40),
                "arn:aws:iam::" + accountId + ":user/" + USER_NAME);
        this.directory = Files.createTempDirectory("iamdb-aws");
        try {
            this.endpoints = new AwsEndpoints(this, b.port);
        } catch (IOException | RuntimeException e) {
            deleteTree(directory);
            throw e;
        }
    }

    /** A builder with the defaults: account {@value #DEFAULT_ACCOUNT_ID}, us-east-1, system clock, IMDSv1 refused. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the emulated services listen: {@code http://127.0.0.1:<port>}, one port for all of them. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + endpoints.port());
    }

    /** The account of the roles and the user. */
    public String accountId() {
        return accountId;
    }

    /** The region the routes configure ({@code AWS_REGION}) and STS signatures must be scoped to. */
    public String region() {
        return region;
    }

    /** The clock sessions and tokens are issued and expire by. */
    public Clock clock() {
        return clock;
    }

    /** The roles that may be assumed, by name. */
    public Map<String, Role> roles() {
        return roles;
    }

    /** {@code arn:aws:iam::<account>:role/<name>} of a configured role. */
    public String roleArn(String role) {
        return "arn:aws:iam::" + accountId + ":role/" + requireRole(role).name();
    }

    /** The long-term access keys of IAM user {@value #USER_NAME}, which may call STS (the source of role chains). */
    public Identity user() {
        return user;
    }

    /** Every session credential issued so far, oldest first; each identity's principal is its role's ARN. */
    public List<Identity> issued() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    /**
     * Issues an OIDC token (as EKS projects into a pod) that {@code AssumeRoleWithWebIdentity} accepts for
     * {@code role} until {@code validFor} has passed by the {@link #clock()}; zero or negative gives a token that has
     * already expired.
     */
    public String webIdentityToken(String role, Duration validFor) {
        requireRole(role);
        Objects.requireNonNull(validFor, "validFor");
        String token = "eyJhbGciOiJSUzI1NiJ9." + Identity.random(TOKEN_ALPHABET, 120) + "." + Identity.random(TOKEN_ALPHABET, 86);
        webIdentityTokens.put(token, new Grant(role, clock.instant().plus(validFor)));
        return token;
    }

    /**
     * Logs in to the local IAM Identity Center as {@code aws sso login} does: issues a portal access token for
     * {@code role}'s account valid for {@code validFor} by the {@link #clock()}, and writes it to the SSO token cache
     * under {@link #home()} for both profile layouts: {@code ~/.aws/sso/cache/<sha1 of the start URL>.json} (legacy
     * profiles) and {@code <sha1 of the sso-session name>.json} ({@code sso_session} profiles). The file's
     * {@code expiresAt} is {@code validFor} from now by the system clock, which is what the SDK compares it with. Zero
     * or negative writes a login that has already expired, as a stale {@code aws sso login} leaves it; call this after
     * {@link #environment} for an SSO route to replace the login that wrote. The session ends with the access token, so
     * an expired login cannot be refreshed; see {@link #ssoLogin(String, Duration, Duration)}.
     *
     * @return the access token
     */
    public String ssoLogin(String role, Duration validFor) {
        return ssoLogin(role, validFor, validFor);
    }

    /**
     * {@link #ssoLogin(String, Duration)} with an IAM Identity Center session that lasts {@code sessionValidFor} by the
     * {@link #clock()}: the {@code sso_session} cache file also gets the client registration and a refresh token, with
     * which the SDK asks the local SSO OIDC endpoint ({@code CreateToken}) for a new access token once this one is
     * within five minutes of its end, as it does with AWS. Legacy profiles cannot refresh, as with AWS.
     *
     * @return the access token
     */
    public String ssoLogin(String role, Duration accessTokenValidFor, Duration sessionValidFor) {
        requireRole(role);
        Objects.requireNonNull(accessTokenValidFor, "accessTokenValidFor");
        Objects.requireNonNull(sessionValidFor, "sessionValidFor");
        String token = ssoAccessToken(role, accessTokenValidFor);
        String refreshToken = "aor" + Identity.random(TOKEN_ALPHABET, 200);
        ssoSessions.put(refreshToken, new Grant(role, clock.instant().plus(sessionValidFor)));
        String login = "{\"startUrl\":" + Main.quote(SSO_START_URL) + ",\"region\":" + Main.quote(region)
                + ",\"accessToken\":" + Main.quote(token) + ",\"expiresAt\":"
                + Main.quote(Instant.now().plus(accessTokenValidFor).truncatedTo(ChronoUnit.SECONDS).toString());
        Path cache = home().resolve(".aws").resolve("sso").resolve("cache");
        write(cache.resolve(sha1Hex(SSO_START_URL) + ".json"), login + "}");
        write(cache.resolve(sha1Hex(SSO_SESSION_NAME) + ".json"), login + ",\"clientId\":" + Main.quote(ssoClientId)
                + ",\"clientSecret\":" + Main.quote(ssoClientSecret) + ",\"registrationExpiresAt\":"
                + Main.quote(Instant.now().plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.SECONDS).toString())
                + ",\"refreshToken\":" + Main.quote(refreshToken) + "}");
        return token;
    }

    private String ssoAccessToken(String role, Duration validFor) {
        String token = "aoa" + Identity.random(TOKEN_ALPHABET, 200);
        ssoTokens.put(token, new Grant(role, clock.instant().plus(validFor)));
        return token;
    }

    /** The directory the SSO routes use as the user's home ({@code HOME}); it holds the SSO token cache. */
    public Path home() {
        return directory.resolve("home");
    }

    /**
     * The environment variables that point the SDK's default chain at this instance for {@code route} as
     * {@code role}, writing the files they name into a temporary directory: token files, profile files (empty ones
     * for the routes that need none, so the machine's {@code ~/.aws} stays out), the SSO cache. Also sets
     * {@code AWS_REGION}, {@code AWS_ENDPOINT_URL_STS} (so that any STS call, {@code GetCallerIdentity} too, stays
     * here) and, except for {@link Route#INSTANCE_METADATA}, {@code AWS_EC2_METADATA_DISABLED} so that
     * a broken route fails fast instead of trying the real instance metadata address. For
     * {@link Route#INSTANCE_METADATA} the instance's role becomes {@code role}.
     */
    public Map<String, String> environment(Route route, String role) {
        Objects.requireNonNull(route, "route");
        Role r = requireRole(role);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region);
        // Every route's STS calls come here, GetCallerIdentity with the route's credentials included.
        env.put("AWS_ENDPOINT_URL_STS", endpoint().toString());
        Path routeDir = directory.resolve(route.name().toLowerCase(java.util.Locale.ROOT) + "-" + r.name());
        Path config = routeDir.resolve("config");
        Path credentials = routeDir.resolve("credentials");
        String configText = "";
        String credentialsText = "";
        switch (route) {
            case WEB_IDENTITY: {
                Path tokenFile = routeDir.resolve("token");
                write(tokenFile, webIdentityToken(role, Duration.ofHours(24)));
                env.put("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString());
                env.put("AWS_ROLE_ARN", roleArn(role));
                env.put("AWS_ROLE_SESSION_NAME", "iamdb-irsa");
                break;
            }
            case POD_IDENTITY: {
                Path tokenFile = routeDir.resolve("token");
                String podToken = Identity.random(TOKEN_ALPHABET, 64);
                podTokens.put(podToken, new Grant(role, Instant.MAX));
                write(tokenFile, podToken);
                env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint() + AwsEndpoints.POD_IDENTITY_PATH);
                env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
                break;
            }
            case CONTAINER: {
                String id = Identity.random("abcdef0123456789", 32);
                ecsTasks.put(id, new Grant(role, Instant.MAX));
                env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint() + AwsEndpoints.ECS_PATH + id);
                break;
            }
            case INSTANCE_METADATA:
                instanceRole = role;
                env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint().toString());
                break;
            case SSO_SESSION:
                ssoLogin(role, SSO_LOGIN);
                configText = "[profile " + PROFILE_NAME + "]\nsso_session = " + SSO_SESSION_NAME + "\nsso_account_id = "
                        + accountId + "\nsso_role_name = " + role + "\nregion = " + region + "\n\n[sso-session "
                        + SSO_SESSION_NAME + "]\nsso_start_url = " + SSO_START_URL + "\nsso_region = " + region
                        + "\nsso_registration_scopes = sso:account:access\n";
                env.put("AWS_PROFILE", PROFILE_NAME);
                env.put("AWS_ENDPOINT_URL_SSO", endpoint().toString());
                env.put("AWS_ENDPOINT_URL_SSO_OIDC", endpoint().toString());
                env.put("HOME", home().toString());
                break;
            case SSO_LEGACY:
                ssoLogin(role, SSO_LOGIN);
                configText = "[profile " + PROFILE_NAME + "]\nsso_start_url = " + SSO_START_URL + "\nsso_region = "
                        + region + "\nsso_account_id = " + accountId + "\nsso_role_name = " + role + "\nregion = "
                        + region + "\n";
                env.put("AWS_PROFILE", PROFILE_NAME);
                env.put("AWS_ENDPOINT_URL_SSO", endpoint().toString());
                env.put("HOME", home().toString());
                break;
            case ROLE_PROFILE:
                configText = "[profile " + PROFILE_NAME + "]\nrole_arn = " + roleArn(role) + "\nsource_profile = "
                        + PROFILE_NAME + "-source\nrole_session_name = iamdb-profile\nregion = " + region + "\n"
                        + (r.externalId() == null ? "" : "external_id = " + r.externalId() + "\n");
                credentialsText = "[" + PROFILE_NAME + "-source]\naws_access_key_id = " + user.accessKeyId()
                        + "\naws_secret_access_key = " + user.secretAccessKey() + "\n";
                env.put("AWS_PROFILE", PROFILE_NAME);
                break;
            default:
                throw new IllegalStateException("unhandled route " + route);
        }
        write(config, configText);
        write(credentials, credentialsText);
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        if (route != Route.INSTANCE_METADATA) {
            env.put("AWS_EC2_METADATA_DISABLED", "true");
        }
        return Collections.unmodifiableMap(env);
    }

    /**
     * The user's long-term keys as {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, with
     * {@code AWS_ENDPOINT_URL_STS} pointing here, {@code AWS_REGION}, empty profile files and instance metadata
     * disabled: the source credentials for code that assumes a role itself (an assume-role setting, a role chain).
     */
    public Map<String, String> userEnvironment() {
        Path config = directory.resolve("user").resolve("config");
        Path credentials = directory.resolve("user").resolve("credentials");
        write(config, "");
        write(credentials, "");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region);
        env.put("AWS_ENDPOINT_URL_STS", endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", user.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", user.secretAccessKey());
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return Collections.unmodifiableMap(env);
    }

    /**
     * {@link #environment(Route, String)} set as the SDK's equivalent system properties until the result is closed,
     * for in-process tests. The SSO routes need {@code HOME}, which has no system property: run those in a child
     * process with the environment set.
     */
    public AwsSystemProperties useSystemProperties(Route route, String role) {
        return AwsSystemProperties.set(environment(route, role));
    }

    /** Stops the endpoints and deletes the temporary files (token files, profiles, SSO cache). */
    @Override
    public void close() {
        endpoints.close();
        deleteTree(directory);
    }

    @Override
    public String toString() {
        return "LocalAws[" + endpoint() + " account " + accountId + " roles " + roles.keySet() + "]";
    }

    // ---- for the endpoints and the gateway ---------------------------------------------------------------------

    private static final String TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    boolean imdsV1Allowed() {
        return imdsV1;
    }

    String instanceRole() {
        return instanceRole;
    }

    Role role(String name) {
        return name == null ? null : roles.get(name);
    }

    Grant webIdentityGrant(String token) {
        return webIdentityTokens.get(token);
    }

    /** The role of an EKS Pod Identity token (the {@code Authorization} value), or null. */
    Grant podGrant(String token) {
        return podTokens.get(token);
    }

    /** The role of an ECS task by the id in its credentials URI, or null. */
    Grant ecsGrant(String taskId) {
        return ecsTasks.get(taskId);
    }

    Grant ssoGrant(String token) {
        return ssoTokens.get(token);
    }

    /**
     * SSO OIDC {@code CreateToken} with a refresh token: a new access token valid for {@code validFor} and a new refresh
     * token for the rest of the same session (the old one is used up), or null when the client or the refresh token is
     * not one issued here or the session has ended by the clock.
     *
     * @return the access token and the refresh token
     */
    String[] ssoRefresh(String clientId, String clientSecret, String refreshToken, Duration validFor) {
        if (!ssoClientId.equals(clientId) || !ssoClientSecret.equals(clientSecret) || refreshToken == null) {
            return null;
        }
        Grant session = ssoSessions.remove(refreshToken);
        if (session == null || !clock.instant().isBefore(session.expiration())) {
            return null;
        }
        String next = "aor" + Identity.random(TOKEN_ALPHABET, 200);
        ssoSessions.put(next, session);
        return new String[] {ssoAccessToken(session.role(), validFor), next};
    }

    /** Issues session credentials for {@code role} valid for {@code duration} from now by the clock. */
    Session issue(Role role, String sessionName, Duration duration) {
        Identity id = Identity.withSessionToken("ASIA" + Identity.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                Identity.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40),
                "IQoJb3JpZ2luX2VjE" + Identity.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 300),
                "arn:aws:iam::" + accountId + ":role/" + role.name());
        Session s = new Session(id, role, sessionName, clock.instant().plus(duration).truncatedTo(ChronoUnit.SECONDS));
        sessions.put(id.accessKeyId(), s);
        issued.add(id);
        return s;
    }

    /** The session an access key id belongs to, or null (the user's long-term key is not a session). */
    Session session(String accessKeyId) {
        return sessions.get(accessKeyId);
    }

    /**
     * The identity that an access key id belongs to, for the database gateway: the user or a session issued here
     * (expired or not, see {@link #requireLive}); null for a key this instance never issued.
     */
    Identity identityForLogin(String accessKeyId) {
        if (user.accessKeyId().equals(accessKeyId)) {
            return user;
        }
        Session s = sessions.get(accessKeyId);
        return s == null ? null : s.identity();
    }

    /**
     * Refuses a session that has expired by the clock, worded as AWS words it; the user's keys never expire.
     *
     * @throws LoginRejected for an expired session
     */
    void requireLive(String accessKeyId) throws LoginRejected {
        Session s = sessions.get(accessKeyId);
        if (s != null && !clock.instant().isBefore(s.expiration())) {
            throw new LoginRejected(AwsEndpoints.EXPIRED_SECURITY_TOKEN);
        }
    }

    private Role requireRole(String role) {
        Role r = role == null ? null : roles.get(role);
        if (r == null) {
            throw new IllegalArgumentException("role: '" + role + "' is not configured; configured roles: "
                    + roles.keySet() + " (add one with LocalAws.builder().role(name))");
        }
        return r;
    }

    static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available in this JVM", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temporary files only; nothing depends on their removal.
        }
    }

    /**
     * An IAM role that may be assumed, with the conditions its trust policy and settings impose. Immutable; each
     * {@code with…} method returns a changed copy.
     *
     * @param name               the role name ({@code [\w+=,.@-]{1,64}})
     * @param externalId         the {@code sts:ExternalId} its trust policy requires for {@code AssumeRole}, or null
     * @param maxSessionDuration the most an {@code AssumeRole} may ask for, 1 to 12 hours (IAM's bounds; default 1 h)
     * @param trustsWebIdentity  whether its trust policy lets the local OIDC provider's tokens assume it (default yes)
     */
    public record Role(String name, String externalId, Duration maxSessionDuration, boolean trustsWebIdentity) {

        /** Validates the name and bounds, naming the bad value. */
        public Role {
            if (name == null || !ROLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("role name: '" + name
                        + "' is not accepted; expected 1 to 64 of letters, digits and +=,.@_-");
            }
            if (externalId != null && (externalId.length() < 2 || externalId.length() > 1224)) {
                throw new IllegalArgumentException("role " + name + " externalId: must be 2 to 1224 characters long");
            }
            Objects.requireNonNull(maxSessionDuration, "maxSessionDuration");
            if (maxSessionDuration.compareTo(Duration.ofHours(1)) < 0 || maxSessionDuration.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("role " + name + " maxSessionDuration: " + maxSessionDuration
                        + " is not accepted; IAM accepts 1 to 12 hours");
            }
        }

        /** A role with no external id, a 1 hour maximum session and trust in the local web identity provider. */
        public static Role named(String name) {
            return new Role(name, null, Duration.ofHours(1), true);
        }

        /** This role, requiring {@code externalId} from {@code AssumeRole} callers. */
        public Role withExternalId(String externalId) {
            return new Role(name, Objects.requireNonNull(externalId, "externalId"), maxSessionDuration, trustsWebIdentity);
        }

        /** This role with another maximum session duration (1 to 12 hours). */
        public Role withMaxSessionDuration(Duration max) {
            return new Role(name, externalId, max, trustsWebIdentity);
        }

        /** This role, trusting (or not) web identity tokens from the local OIDC provider. */
        public Role withWebIdentityTrust(boolean trusted) {
            return new Role(name, externalId, maxSessionDuration, trusted);
        }

        @Override
        public String toString() {
            return "Role[" + name + (externalId != null ? ", external id required" : "") + ", max " + maxSessionDuration
                    + (trustsWebIdentity ? ", web identity" : "") + "]";
        }
    }

    /** Settings for a {@link LocalAws}; each {@link #start()} makes a new instance. */
    public static final class Builder {
        private String accountId = DEFAULT_ACCOUNT_ID;
        private String region = "us-east-1";
        private Clock clock = Clock.systemUTC();
        private boolean imdsV1;
        private int port;
        private final List<Role> roles = new ArrayList<>();

        private Builder() {
        }

        /** The 12-digit account of the roles and the user (default {@value LocalAws#DEFAULT_ACCOUNT_ID}). */
        public Builder accountId(String accountId) {
            if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
                throw new IllegalArgumentException("accountId: '" + accountId + "' is not an account id; expected 12 digits");
            }
            this.accountId = accountId;
            return this;
        }

        /** The region the routes set and STS signatures are scoped to (default us-east-1). */
        public Builder region(String region) {
            this.region = Settings.region(region);
            return this;
        }

        /** The clock sessions and tokens are issued and expire by (default system UTC); see {@link ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Adds a role with the defaults of {@link Role#named(String)}. */
        public Builder role(String name) {
            return role(Role.named(name));
        }

        /** Adds a role; names must be unique. */
        public Builder role(Role role) {
            Objects.requireNonNull(role, "role");
            for (Role r : roles) {
                if (r.name().equals(role.name())) {
                    throw new IllegalArgumentException("role: '" + role.name() + "' is configured twice");
                }
            }
            roles.add(role);
            return this;
        }

        /**
         * Whether the instance metadata service answers requests without a session token (IMDSv1). Default false,
         * as on an instance with {@code HttpTokens=required}: such requests get 401.
         */
        public Builder imdsV1(boolean allowed) {
            this.imdsV1 = allowed;
            return this;
        }

        /** The loopback port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = Settings.port("port", port, true);
            return this;
        }

        /** Starts the endpoints; fails if the port is in use ({@link UncheckedIOException}). */
        public LocalAws start() {
            try {
                return new LocalAws(this);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the local AWS: " + e.getMessage(), e);
            }
        }
    }
}
