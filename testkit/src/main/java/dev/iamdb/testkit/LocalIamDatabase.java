package dev.iamdb.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A local PostgreSQL that accepts logins only with IAM auth tokens, verified the way Aurora DSQL or RDS
 * verify them: signature, credential scope, signed host and port, expiry, action and the role mapping.
 * Use it to test IAM wiring for real without an AWS account.
 *
 * <pre>{@code
 * try (LocalIamDatabase db = LocalIamDatabase.builder().service(Service.DSQL).start()) {
 *     String token = ...; // signed for db.endpoint() and db.region() with db.identity()'s keys
 *     DriverManager.getConnection(db.jdbcUrl(), "admin", token);
 * }
 * }</pre>
 *
 * <p>Clients connect to {@link #host()}:{@link #port()} but sign tokens for {@link #endpoint()}, just as
 * a client reaching AWS through a tunnel would. With TLS on (the default) the gateway presents a
 * certificate for 127.0.0.1, localhost and the endpoint name, issued by {@link #caCertificate()}.
 */
public final class LocalIamDatabase implements AutoCloseable {

    /** How long DSQL lets a connection live before ending it. */
    public static final Duration DSQL_MAX_CONNECTION_DURATION = Duration.ofMinutes(60);
    private static final String DEFAULT_RDS_MASTER_USER = "iamdb";
    private static final Pattern ENDPOINT_REGION = Pattern.compile("[^.]+\\.dsql(?:-[a-z0-9]+)?\\.([a-z0-9-]+)\\.on\\.aws"
            + "|.+\\.([a-z0-9-]+)\\.rds\\.amazonaws\\.com(?:\\.cn)?"
            + "|.+\\.rds\\.([a-z0-9-]+)\\.(?:amazonaws\\.com\\.cn|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov)");

    private final Service service;
    private final String endpoint;
    private final int endpointPort;
    private final String region;
    private final List<Identity> identities;
    private final List<String> roles;
    private final String masterUser;
    private final InstanceDirectory files;
    private final Backend backend;
    private final RoleDirectory roleDirectory;
    private final CertificateAuthority certificates;
    private final Gateway gateway;
    private final List<AuthDecision> decisions = new ArrayList<>();
    private final AtomicInteger passwordsReceived = new AtomicInteger();

    private LocalIamDatabase(Builder b) throws IOException, SQLException {
        if (b.rejectUnsupportedSql && b.service != Service.DSQL) {
            throw new IllegalArgumentException("rejectUnsupportedSql: true is accepted only with Service.DSQL, not "
                    + b.service + "; RDS supports all of PostgreSQL's SQL");
        }
        if (!b.tls && (b.certificateNames != null || b.selfSignedCertificate || b.caDirectory != null)) {
            throw new IllegalArgumentException("tls: false leaves the gateway without a certificate; certificateNames,"
                    + " selfSignedCertificate and caDirectory need tls(true)");
        }
        this.service = b.service;
        this.region = Settings.region(b.endpoint, b.endpoint == null ? null : regionOf(b.endpoint), b.region);
        this.endpoint = b.endpoint != null ? b.endpoint : defaultEndpoint(b.service, region);
        this.endpointPort = b.endpointPort;
        this.identities = b.identities.isEmpty() ? List.of(Identity.generate()) : List.copyOf(b.identities);
        this.masterUser = b.masterUser;
        List<String> allRoles = new ArrayList<>();
        allRoles.add(service == Service.DSQL ? "admin" : masterUser);
        for (String role : b.roles) {
            if (!allRoles.contains(role)) {
                allRoles.add(role);
            }
        }
        this.roles = List.copyOf(allRoles);
        ServerSocket listener = Gateway.listen(b.port);
        InstanceDirectory dir = null;
        Backend started = null;
        try {
            dir = InstanceDirectory.create(Backend.INSTANCE_ROOT, Backend::postmasterIn);
            CertificateAuthority ca = null;
            SSLContext tls = null;
            if (b.tls) {
                ca = b.caDirectory != null ? CertificateAuthority.loadOrCreate(b.caDirectory)
                        : CertificateAuthority.mint(dir.path().resolve(CertificateAuthority.CERTIFICATE_FILE));
                tls = ca.serverContext(b.certificateNames != null ? b.certificateNames
                        : List.of(host(), "localhost", endpoint), b.selfSignedCertificate);
            }
            this.certificates = ca;
            started = b.backendUrl != null ? Backend.external(b.backendUrl, b.backendUser, b.backendPassword)
                    : Backend.embedded(dir.path().resolve(Backend.POSTGRES_DATA));
            this.roleDirectory = new RoleDirectory(service, started);
            roleDirectory.setUp(masterUser, identity().principalArn());
            for (String role : b.roles) {
                roleDirectory.createLoginRole(role, identity().principalArn());
            }
            TokenVerifier verifier = new TokenVerifier(service, endpoint, endpointPort, region, identities, b.aws, b.clock);
            Consumer<AuthDecision> recorder = this::record;
            if (b.decisionListener != null) {
                recorder = recorder.andThen(b.decisionListener);
            }
            this.gateway = new Gateway(listener, tls, service, verifier, roleDirectory, started, b.clock,
                    b.maxConnectionDuration, recorder, passwordsReceived,
                    service == Service.DSQL ? new DsqlStatements(b.rejectUnsupportedSql) : null,
                    b.connectionRateLimit == 0 ? null : new ConnectionRateLimiter(b.connectionRateLimit, b.clock));
        } catch (IOException | SQLException | RuntimeException e) {
            Gateway.closeQuietly(listener);
            if (started != null) {
                started.close();
            }
            if (dir != null) {
                dir.close();
            }
            throw e;
        }
        this.files = dir;
        this.backend = started;
    }

    /** The region in an AWS endpoint name (DSQL, RDS in all partitions), or null for a name that shows none. */
    static String regionOf(String endpoint) {
        Matcher m = ENDPOINT_REGION.matcher(endpoint);
        if (!m.matches()) {
            return null;
        }
        for (int group = 1; group <= m.groupCount(); group++) {
            if (m.group(group) != null) {
                return Settings.isRegion(m.group(group)) ? m.group(group) : null;
            }
        }
        return null;
    }

    /** A builder with the defaults: DSQL, us-east-1, a random cluster endpoint, a generated identity, TLS on. */
    public static Builder builder() {
        return new Builder();
    }

    private void record(AuthDecision decision) {
        synchronized (decisions) {
            decisions.add(decision);
        }
    }

    private static String defaultEndpoint(Service service, String region) {
        String id = Identity.random("abcdefghijklmnopqrstuvwxyz0123456789", 26);
        return service == Service.DSQL ? id + ".dsql." + region + ".on.aws"
                : "iamdb-local." + id.substring(0, 12) + "." + region + ".rds.amazonaws.com";
    }

    /** The address clients connect to: always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The gateway's loopback port. */
    public int port() {
        return gateway.port();
    }

    /** The emulated service. */
    public Service service() {
        return service;
    }

    /** The emulated endpoint name tokens must be signed for (not resolvable; connect to {@link #host()}). */
    public String endpoint() {
        return endpoint;
    }

    /** The port RDS tokens must be signed for (part of the signed host); DSQL tokens carry no port. */
    public int endpointPort() {
        return endpointPort;
    }

    /** The region tokens must be signed for. */
    public String region() {
        return region;
    }

    /** The database name to connect to by default: {@code postgres}, DSQL's only database. */
    public String database() {
        return "postgres";
    }

    /** The default identity: the first one configured, or the generated one. */
    public Identity identity() {
        return identities.get(0);
    }

    /** All identities configured for this database; with {@link Builder#aws(LocalAws)}, what it issues is accepted too. */
    public List<Identity> identities() {
        return identities;
    }

    /** The roles created at start: {@code admin} (DSQL) or the master user (RDS), then those from {@link Builder#role}. */
    public List<String> roles() {
        return roles;
    }

    /** The RDS master user ({@code iamdb} unless configured); DSQL's equivalent is {@code admin}. */
    public String masterUser() {
        return service == Service.DSQL ? "admin" : masterUser;
    }

    /**
     * The PEM file of the testkit CA that issues the gateway's certificate, for clients' trust settings
     * ({@code sslrootcert}), or null without TLS. Like Amazon RDS's own CAs, this CA is in no JDK trust store, so a
     * client that trusts only the JDK's CAs refuses the gateway. The file is deleted on close unless it lives in
     * the {@link Builder#caDirectory(Path) CA directory}. With {@link Builder#selfSignedCertificate(boolean)} the
     * gateway's certificate is not issued by this CA.
     */
    public Path caCertificate() {
        return certificates == null ? null : certificates.pemFile;
    }

    /**
     * A pgjdbc URL to the gateway: {@code sslmode=verify-full} with the CA file when TLS is on, else
     * {@code sslmode=disable}. User and password (the token) are given separately.
     */
    public String jdbcUrl() {
        String base = "jdbc:postgresql://" + host() + ":" + port() + "/" + database();
        return certificates == null ? base + "?sslmode=disable"
                : base + "?sslmode=verify-full&sslrootcert=" + certificates.pemFile.toAbsolutePath();
    }

    /**
     * The same connection as a {@code jdbc:iamdb:postgresql://} URL for iamdb's driver (artifact
     * {@code iamdb-core}): tokens are signed for the emulated endpoint ({@code iamHost}, and for RDS the
     * endpoint's port as {@code iamDefaultPort}). Add the user and credentials as for any iamdb URL.
     */
    public String iamdbJdbcUrl() {
        String url = "jdbc:iamdb:" + jdbcUrl().substring("jdbc:".length()) + "&iamHost=" + endpoint();
        return service == Service.RDS ? url + "&iamDefaultPort=" + endpointPort() : url;
    }

    /** The login decisions so far, oldest first (an immutable snapshot). */
    public List<AuthDecision> decisions() {
        synchronized (decisions) {
            return List.copyOf(decisions);
        }
    }

    /** Forgets the recorded decisions and the count of {@link #passwordsReceived()}, so a test sees only its own. */
    public void clearDecisions() {
        synchronized (decisions) {
            decisions.clear();
            passwordsReceived.set(0);
        }
    }

    /**
     * How many password messages (tokens, or whatever a client sent as its password) the gateway has received,
     * counted on arrival before any check. A client that refuses the gateway's certificate, or never gets as far
     * as TLS, sends none: {@code passwordsReceived() == 0} shows that no token left it.
     */
    public int passwordsReceived() {
        return passwordsReceived.get();
    }

    /**
     * Ends every open session now, as the {@link Builder#maxConnectionDuration maximum connection duration} does:
     * the client gets {@code FATAL 57P01 … maximum connection duration … reached} between two protocol messages and
     * the connection closes. A session in the middle of a backend message ends after that message; this returns once
     * every session has ended (waiting up to 5 s for such a message). Lets a test show that a pool replaces
     * connections the server ended, without waiting for the duration to pass.
     *
     * @return how many sessions were open
     */
    public int endSessions() {
        return gateway.endSessions();
    }

    /** A superuser connection straight to the backend (no IAM), for test setup; the caller closes it. */
    public Connection adminConnection() throws SQLException {
        return backend.adminConnection();
    }

    /**
     * Creates a login role with USAGE and CREATE on schema public, usable by the default identity:
     * granted to its principal (DSQL) or granted {@code rds_iam} (RDS). An existing role gets LOGIN.
     */
    public void createRole(String role) throws SQLException {
        roleDirectory.createLoginRole(requireRole(role), identity().principalArn());
    }

    /**
     * Lets {@code principalArn} log in as {@code role}: DSQL's {@code AWS IAM GRANT role TO 'arn'}. For RDS,
     * where IAM policy rather than the database names principals, this is {@code GRANT rds_iam TO role}.
     */
    public void grant(String role, String principalArn) throws SQLException {
        roleDirectory.grant(requireRole(role), Objects.requireNonNull(principalArn, "principalArn"));
    }

    /** Undoes {@link #grant}; sessions already open stay open, as in AWS. */
    public void revoke(String role, String principalArn) throws SQLException {
        roleDirectory.revoke(requireRole(role), Objects.requireNonNull(principalArn, "principalArn"));
    }

    /** Stops the gateway and the embedded PostgreSQL and deletes their files (a CA directory stays). */
    @Override
    public void close() {
        gateway.close();
        try {
            backend.close();
            files.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the local IAM database cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "LocalIamDatabase[" + service + " " + endpoint + " at " + host() + ":" + port() + "]";
    }

    private static String requireRole(String role) {
        if (role == null || role.isEmpty()) {
            throw new IllegalArgumentException("role: must not be empty");
        }
        return role;
    }

    /** Settings for a {@link LocalIamDatabase}; reusable, each {@link #start()} makes a new instance. */
    public static final class Builder {
        private Service service = Service.DSQL;
        private String endpoint;
        private int endpointPort = 5432;
        private String region;
        private final List<Identity> identities = new ArrayList<>();
        private final List<String> roles = new ArrayList<>();
        private String masterUser = DEFAULT_RDS_MASTER_USER;
        private boolean tls = true;
        private Clock clock = Clock.systemUTC();
        private Duration maxConnectionDuration = DSQL_MAX_CONNECTION_DURATION;
        private int port;
        private String backendUrl;
        private String backendUser;
        private String backendPassword;
        private Consumer<AuthDecision> decisionListener;
        private boolean rejectUnsupportedSql;
        private Path caDirectory;
        private List<String> certificateNames;
        private boolean selfSignedCertificate;
        private int connectionRateLimit;
        private LocalAws aws;

        private Builder() {
        }

        /**
         * Also accepts tokens signed with what {@code aws} issues: its user's long-term keys, and each session
         * credential (IMDS, container, STS, SSO portal) as its role's ARN until the session expires by {@code aws}'s
         * clock. Grant a role to the principal with {@link LocalIamDatabase#grant(String, String)
         * grant(role, aws.roleArn(name))}.
         */
        public Builder aws(LocalAws aws) {
            this.aws = Objects.requireNonNull(aws, "aws");
            return this;
        }

        /** DSQL (default) or RDS. */
        public Builder service(Service service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** The endpoint name tokens are signed for; default a random {@code <id>.dsql.<region>.on.aws} (or RDS name). */
        public Builder endpoint(String endpoint) {
            this.endpoint = Settings.hostName("endpoint", endpoint, "abc.dsql.us-east-1.on.aws");
            return this;
        }

        /** The port RDS tokens are signed for (default 5432); independent of the loopback {@link #port(int)}. */
        public Builder endpointPort(int endpointPort) {
            this.endpointPort = Settings.port("endpointPort", endpointPort, false);
            return this;
        }

        /**
         * The region tokens are signed for: default the {@link #endpoint(String) endpoint}'s region, or us-east-1 for
         * an endpoint name that shows none. An endpoint in another region is rejected at {@link #start()}.
         */
        public Builder region(String region) {
            this.region = Settings.region(region);
            return this;
        }

        /** Adds an identity whose tokens are accepted; the first one added is the default. */
        public Builder identity(Identity identity) {
            Settings.addIdentity(identities, identity);
            return this;
        }

        /** Adds several identities; see {@link #identity(Identity)}. */
        public Builder identities(Identity... identities) {
            for (Identity identity : identities) {
                identity(identity);
            }
            return this;
        }

        /** Login roles to create at start, usable by the default identity. */
        public Builder role(String... roles) {
            for (String role : roles) {
                if (role == null || role.isEmpty()) {
                    throw new IllegalArgumentException("role: must not be empty");
                }
                this.roles.add(role);
            }
            return this;
        }

        /** The RDS master user created at start with {@code rds_iam} (default {@code iamdb}). */
        public Builder masterUser(String masterUser) {
            this.masterUser = requireRole(masterUser);
            return this;
        }

        /** Whether clients must use TLS (default true, as DSQL requires). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** The clock tokens' validity is checked against (default system UTC); see {@link ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a session may live before the gateway ends it (real elapsed time; default 60 minutes). */
        public Builder maxConnectionDuration(Duration duration) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("maxConnectionDuration: '" + duration + "' must be positive");
            }
            this.maxConnectionDuration = duration;
            return this;
        }

        /** The loopback port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = Settings.port("port", port, true);
            return this;
        }

        /**
         * Uses an existing PostgreSQL (e.g. from Testcontainers) instead of the embedded one. The admin user must
         * be able to create roles and set their passwords; the gateway logs in with cleartext, MD5 or SCRAM-SHA-256.
         */
        public Builder backend(String jdbcUrl, String adminUser, String adminPassword) {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("backend jdbcUrl: '" + jdbcUrl
                        + "' is not supported; expected jdbc:postgresql://host[:port]/database");
            }
            this.backendUrl = jdbcUrl;
            this.backendUser = requireRole(adminUser);
            this.backendPassword = adminPassword;
            return this;
        }

        /**
         * Whether SQL that Aurora DSQL does not support fails as it would there, with SQLSTATE 0A000
         * (feature_not_supported): {@code SAVEPOINT}, {@code RELEASE SAVEPOINT}, {@code ROLLBACK TO SAVEPOINT},
         * {@code TRUNCATE}, {@code CREATE TEMP[ORARY] TABLE} and {@code pg_advisory_*} lock calls. Default false,
         * because stock tools (Flyway's PostgreSQL lock, for one) use some of them. DSQL only; statements are
         * recognised by their leading keywords, see docs/testing.md for the limits.
         */
        public Builder rejectUnsupportedSql(boolean reject) {
            this.rejectUnsupportedSql = reject;
            return this;
        }

        /**
         * Keeps the CA in {@code directory} ({@code ca.pem} and the unencrypted {@code ca-key.pem}), so that a client
         * trusting {@code ca.pem} with {@code sslmode=verify-full} still connects after the server restarts. A directory
         * without them gets a new CA; the gateway's certificate is minted anew at each start, issued by that CA.
         * Default: a throw-away CA per instance. Test use only: anyone who can read the key can impersonate the gateway.
         */
        public Builder caDirectory(Path directory) {
            this.caDirectory = Objects.requireNonNull(directory, "caDirectory");
            return this;
        }

        /**
         * The names the gateway's certificate is issued for, instead of {@code 127.0.0.1}, {@code localhost} and the
         * endpoint: host names, or IPv4 addresses as text. The first one is also the subject's CN. Lets a test show
         * that a client refuses a certificate for another name ({@code certificateNames("evil.example.com")}), or that
         * one checking the signed host accepts a certificate that names only the endpoint, as through a tunnel.
         */
        public Builder certificateNames(String... names) {
            if (names == null || names.length == 0) {
                throw new IllegalArgumentException("certificateNames: at least one name is required");
            }
            for (String name : names) {
                if (!Settings.isHostName(name)) {
                    throw new IllegalArgumentException("certificateNames: '" + name
                            + "' is not a host name or IPv4 address; expected e.g. evil.example.com");
                }
            }
            this.certificateNames = List.of(names);
            return this;
        }

        /**
         * Whether the gateway presents a self-signed certificate (for the same names) instead of one issued by
         * {@link LocalIamDatabase#caCertificate()}, so that a verifying client refuses it (default false).
         */
        public Builder selfSignedCertificate(boolean selfSigned) {
            this.selfSignedCertificate = selfSigned;
            return this;
        }

        /**
         * At most {@code perSecond} new connections per second, counted in whole seconds of the {@link #clock(Clock)
         * clock}; logins over it are refused as Aurora DSQL refuses them over its connection-rate quota, with
         * SQLSTATE 53400, before the token is read. 0 (the default) sets no limit. With a {@link ManualClock} the
         * second ends only when the test moves the clock.
         */
        public Builder connectionRateLimit(int perSecond) {
            if (perSecond < 0) {
                throw new IllegalArgumentException("connectionRateLimit: " + perSecond + " must be 0 (no limit) or more");
            }
            this.connectionRateLimit = perSecond;
            return this;
        }

        /** Called for each decision as it is made (used by the runnable server to log them). */
        Builder decisionListener(Consumer<AuthDecision> listener) {
            this.decisionListener = listener;
            return this;
        }

        /**
         * Starts PostgreSQL and the gateway; fails if either cannot start or the settings conflict
         * ({@link IllegalArgumentException}), or the port is in use ({@link UncheckedIOException} caused by a
         * {@link BindException}).
         */
        public LocalIamDatabase start() {
            try {
                return new LocalIamDatabase(this);
            } catch (BindException e) {
                throw new UncheckedIOException(e.getMessage() + "; choose another with port(int), or 0 for any free port", e);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the local IAM database", e);
            } catch (SQLException e) {
                throw new IllegalStateException("could not set up roles in the backend: " + e.getMessage(), e);
            }
        }
    }
}
