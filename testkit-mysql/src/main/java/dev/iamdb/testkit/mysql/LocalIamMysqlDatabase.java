package dev.iamdb.testkit.mysql;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.CertificateAuthority;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.InstanceDirectory;
import dev.iamdb.testkit.LocalAws;
import dev.iamdb.testkit.ManualClock;
import dev.iamdb.testkit.Settings;
import dev.iamdb.testkit.Service;
import dev.iamdb.testkit.TokenVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A local MySQL-compatible database (MariaDB) that accepts logins only with RDS IAM auth tokens, verified the way
 * RDS for MySQL and MariaDB and Aurora MySQL verify them: signature, credential scope, signed host and port, expiry,
 * {@code Action=connect}, {@code DBUser} and a user created {@code IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'}.
 * The token travels with {@code mysql_clear_password}, so clients must use TLS; the gateway's certificate is issued by
 * {@link #caCertificate()}.
 *
 * <pre>{@code
 * try (LocalIamMysqlDatabase db = LocalIamMysqlDatabase.builder().user("app").start()) {
 *     String token = ...; // RdsUtilities token for db.endpoint():db.endpointPort(), user "app", db.region()
 *     DriverManager.getConnection(db.jdbcUrl(), "app", token);        // MySQL Connector/J
 *     DriverManager.getConnection(db.mariadbJdbcUrl(), "app", token); // MariaDB Connector/J
 * }
 * }</pre>
 *
 * <p>Clients connect to {@link #host()}:{@link #port()} but sign tokens for {@link #endpoint()} and
 * {@link #endpointPort()}, as a client reaching RDS through a tunnel would.
 */
public final class LocalIamMysqlDatabase implements AutoCloseable {

    /** The password of {@link #caTrustStore()}; a trust store holds no secret, but Java's PKCS12 files want one. */
    public static final String CA_TRUST_STORE_PASSWORD = "changeit";
    private static final String DEFAULT_MASTER_USER = "iamdb";
    private static final String DATABASE = "iamdb";
    private static final String TRUST_STORE_FILE = "ca.p12";
    private static final Pattern ENDPOINT_REGION = Pattern.compile(".+\\.([a-z0-9-]+)\\.rds\\.amazonaws\\.com(?:\\.cn)?");

    private final String endpoint;
    private final int endpointPort;
    private final String region;
    private final List<Identity> identities;
    private final String masterUser;
    private final List<String> users;
    private final InstanceDirectory files;
    private final MysqlBackend backend;
    private final IamUsers iamUsers = new IamUsers();
    private final CertificateAuthority certificates;
    private final Path trustStore;
    private final MysqlGateway gateway;
    private final List<AuthDecision> decisions = new ArrayList<>();
    private final AtomicInteger passwordsReceived = new AtomicInteger();

    private LocalIamMysqlDatabase(Builder b) throws IOException, SQLException {
        this.region = Settings.region(b.endpoint, b.endpoint == null ? null : regionOf(b.endpoint), b.region);
        this.endpoint = b.endpoint != null ? b.endpoint
                : "iamdb-local." + random(12) + "." + region + ".rds.amazonaws.com";
        this.endpointPort = b.endpointPort;
        this.identities = b.identities.isEmpty() ? List.of(Identity.generate()) : List.copyOf(b.identities);
        this.masterUser = b.masterUser;
        List<String> allUsers = new ArrayList<>(List.of(masterUser));
        b.users.stream().filter(u -> !allUsers.contains(u)).forEach(allUsers::add);
        this.users = List.copyOf(allUsers);
        ServerSocket listener = MysqlGateway.listen(b.port);
        InstanceDirectory dir = null;
        MysqlBackend started = null;
        try {
            dir = InstanceDirectory.create(MysqlBackend.INSTANCE_ROOT, MysqlBackend::mariadbdIn);
            this.certificates = b.caDirectory != null ? CertificateAuthority.loadOrCreate(b.caDirectory)
                    : CertificateAuthority.mint(dir.path().resolve("ca.pem"));
            SSLContext tls = certificates.serverContext(List.of(host(), "localhost", endpoint), false);
            this.trustStore = writeTrustStore(certificates, (b.caDirectory != null ? b.caDirectory : dir.path())
                    .resolve(TRUST_STORE_FILE));
            started = b.backendUrl != null ? MysqlBackend.external(b.backendUrl, b.backendUser, b.backendPassword)
                    : MysqlBackend.embedded(dir);
            setUp(started);
            TokenVerifier verifier = new TokenVerifier(Service.RDS, endpoint, endpointPort, region, identities, b.aws, b.clock);
            Consumer<AuthDecision> recorder = this::record;
            if (b.decisionListener != null) {
                recorder = recorder.andThen(b.decisionListener);
            }
            this.gateway = new MysqlGateway(listener, tls, verifier, b.sessionTokenLogin ? sessionTokens(identities) : null,
                    iamUsers, started, b.clock, recorder, passwordsReceived);
        } catch (IOException | SQLException | RuntimeException e) {
            MysqlGateway.closeQuietly(listener);
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

    private void setUp(MysqlBackend started) throws SQLException {
        try (Connection c = started.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + IamUsers.quoteIdentifier(DATABASE));
            createIamUser(s, masterUser);
            // As the RDS master user: every privilege, and the right to grant them to the users it creates.
            s.execute("GRANT ALL PRIVILEGES ON *.* TO " + IamUsers.quote(masterUser) + "@'%' WITH GRANT OPTION");
            for (String user : users.subList(1, users.size())) {
                createIamUser(s, user);
            }
        }
    }

    private void createIamUser(Statement s, String user) throws SQLException {
        // CREATE, then ALTER: an existing backend may already have the user, with another password.
        String account = IamUsers.quote(user) + "@'%'";
        s.execute("CREATE USER IF NOT EXISTS " + account + " " + iamUsers.identifiedBy(user));
        s.execute("ALTER USER " + account + " " + iamUsers.identifiedBy(user));
        s.execute("GRANT ALL PRIVILEGES ON " + IamUsers.quoteIdentifier(DATABASE) + ".* TO " + account);
    }

    private static Path writeTrustStore(CertificateAuthority ca, Path file) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), TRUST_STORE_FILE + ".", ".tmp");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("iamdb-testkit-ca", ca.certificate());
            try (OutputStream out = Files.newOutputStream(temp)) {
                store.store(out, CA_TRUST_STORE_PASSWORD.toCharArray());
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not write the CA trust store " + file, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static String regionOf(String endpoint) {
        Matcher m = ENDPOINT_REGION.matcher(endpoint);
        return m.matches() && Settings.isRegion(m.group(1)) ? m.group(1) : null;
    }

    private static String random(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
        }
        return sb.toString();
    }

    /** A builder with the defaults: us-east-1, a random RDS endpoint, port 3306, a generated identity. */
    public static Builder builder() {
        return new Builder();
    }

    private void record(AuthDecision decision) {
        synchronized (decisions) {
            decisions.add(decision);
        }
    }

    /** The address clients connect to: always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The gateway's loopback port. */
    public int port() {
        return gateway.port();
    }

    /** The emulated RDS endpoint name tokens must be signed for (not resolvable; connect to {@link #host()}). */
    public String endpoint() {
        return endpoint;
    }

    /** The port tokens must be signed for (part of the signed host; 3306 unless configured). */
    public int endpointPort() {
        return endpointPort;
    }

    /** The region tokens must be signed for. */
    public String region() {
        return region;
    }

    /** The database created at start, on which every IAM user created by the testkit has all privileges: {@code iamdb}. */
    public String database() {
        return DATABASE;
    }

    /** The default identity: the first one configured, or the generated one. */
    public Identity identity() {
        return identities.get(0);
    }

    private static Map<String, Identity> sessionTokens(List<Identity> identities) {
        Map<String, Identity> byToken = new HashMap<>();
        identities.stream().filter(id -> id.sessionToken() != null).forEach(id -> byToken.put(id.sessionToken(), id));
        if (byToken.isEmpty()) {
            throw new IllegalArgumentException("sessionTokenLogin: no identity has a session token; add one made with "
                    + "Identity.withSessionToken, whose principal ARN names the user (an assumed role's)");
        }
        return byToken;
    }

    /** All identities configured for this database; with {@link Builder#aws(LocalAws)}, what it issues is accepted too. */
    public List<Identity> identities() {
        return identities;
    }

    /** The IAM users created at start: the master user, then those from {@link Builder#user}. */
    public List<String> users() {
        return users;
    }

    /**
     * The master user ({@code iamdb} unless configured), with all privileges {@code WITH GRANT OPTION}. Unlike on RDS,
     * where it logs in with a password, it is an IAM user here: the gateway accepts nothing but tokens.
     */
    public String masterUser() {
        return masterUser;
    }

    /**
     * The PEM file of the testkit CA that issues the gateway's certificate (MariaDB Connector/J's {@code serverSslCert}).
     * Like Amazon RDS's own CAs, it is in no JDK trust store. Deleted on close unless in the
     * {@link Builder#caDirectory(Path) CA directory}.
     */
    public Path caCertificate() {
        return certificates.pemFile();
    }

    /**
     * The same CA as a PKCS12 trust store (password {@link #CA_TRUST_STORE_PASSWORD}), for MySQL Connector/J's
     * {@code trustCertificateKeyStoreUrl}, which takes no PEM files. Next to {@link #caCertificate()} when a CA
     * directory is configured, else deleted on close.
     */
    public Path caTrustStore() {
        return trustStore;
    }

    /**
     * A MySQL Connector/J URL to the gateway that verifies its certificate and name: {@code sslMode=VERIFY_IDENTITY}
     * with {@link #caTrustStore()}. User and password (the token) are given separately.
     */
    public String jdbcUrl() {
        return "jdbc:mysql://" + host() + ":" + port() + "/" + database() + "?sslMode=VERIFY_IDENTITY"
                + "&trustCertificateKeyStoreUrl=" + trustStore.toUri()
                + "&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword=" + CA_TRUST_STORE_PASSWORD;
    }

    /**
     * A MariaDB Connector/J URL to the gateway that verifies its certificate and name: {@code sslMode=verify-full} with
     * {@code serverSslCert} the {@link #caCertificate()} file. User and password (the token) are given separately.
     */
    public String mariadbJdbcUrl() {
        return "jdbc:mariadb://" + host() + ":" + port() + "/" + database() + "?sslMode=verify-full&serverSslCert="
                + caCertificate().toAbsolutePath();
    }

    /** The login decisions so far, oldest first (an immutable snapshot). Never holds a token. */
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
     * How many cleartext passwords (tokens, or whatever a client sent with {@code mysql_clear_password}) the gateway has
     * received, counted on arrival before any check. A client that refuses the gateway's certificate sends none.
     */
    public int passwordsReceived() {
        return passwordsReceived.get();
    }

    /** An admin connection straight to the backend (no IAM, MariaDB Connector/J), for test setup; the caller closes it. */
    public Connection adminConnection() throws SQLException {
        return backend.adminConnection();
    }

    /**
     * Creates {@code 'user'@'%'} {@code IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'} (an existing user becomes an
     * IAM user) with all privileges on {@link #database()}. The same statement sent through the gateway works too.
     */
    public void createIamUser(String user) throws SQLException {
        try (Connection c = backend.adminConnection(); Statement s = c.createStatement()) {
            createIamUser(s, requireUser(user));
        }
    }

    /** Stops the gateway and the embedded MariaDB and deletes their files (a CA directory stays). */
    @Override
    public void close() {
        gateway.close();
        backend.close();
        try {
            files.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the local IAM MySQL database's files", e);
        }
    }

    @Override
    public String toString() {
        return "LocalIamMysqlDatabase[RDS MySQL " + endpoint + " at " + host() + ":" + port() + "]";
    }

    private static String requireUser(String user) {
        if (user == null || user.isEmpty() || user.length() > 80) {
            throw new IllegalArgumentException("user: '" + user + "' is not a MySQL user name; expected 1 to 80 characters");
        }
        return user;
    }

    /** Settings for a {@link LocalIamMysqlDatabase}; reusable, each {@link #start()} makes a new instance. */
    public static final class Builder {
        private String endpoint;
        private int endpointPort = 3306;
        private String region;
        private final List<Identity> identities = new ArrayList<>();
        private final List<String> users = new ArrayList<>();
        private String masterUser = DEFAULT_MASTER_USER;
        private Clock clock = Clock.systemUTC();
        private int port;
        private String backendUrl;
        private String backendUser;
        private String backendPassword;
        private Path caDirectory;
        private boolean sessionTokenLogin;
        private Consumer<AuthDecision> decisionListener;
        private LocalAws aws;

        private Builder() {
        }

        /**
         * Also accepts RDS tokens signed with what {@code aws} issues: its user's long-term keys, and each session
         * credential until it expires by {@code aws}'s clock (not with {@link #sessionTokenLogin}, whose session tokens
         * are those of the configured identities only).
         */
        public Builder aws(LocalAws aws) {
            this.aws = Objects.requireNonNull(aws, "aws");
            return this;
        }

        /** The RDS endpoint name tokens are signed for; default a random {@code iamdb-local.<id>.<region>.rds.amazonaws.com}. */
        public Builder endpoint(String endpoint) {
            this.endpoint = Settings.hostName("endpoint", endpoint, "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com");
            return this;
        }

        /** The port tokens are signed for (default 3306); independent of the loopback {@link #port(int)}. */
        public Builder endpointPort(int endpointPort) {
            this.endpointPort = Settings.port("endpointPort", endpointPort, false);
            return this;
        }

        /**
         * The region tokens are signed for: default the {@link #endpoint(String) endpoint}'s region, or us-east-1 for an
         * endpoint name that shows none. An endpoint in another region is rejected at {@link #start()}.
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

        /** IAM users to create at start, each with all privileges on {@link LocalIamMysqlDatabase#database()}. */
        public Builder user(String... users) {
            for (String user : users) {
                this.users.add(requireUser(user));
            }
            return this;
        }

        /** The master user created at start (default {@code iamdb}); see {@link LocalIamMysqlDatabase#masterUser()}. */
        public Builder masterUser(String masterUser) {
            this.masterUser = requireUser(masterUser);
            return this;
        }

        /** The clock tokens' validity is checked against (default system UTC); see {@link ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The loopback port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = Settings.port("port", port, true);
            return this;
        }

        /**
         * Uses an existing MySQL or MariaDB (e.g. from Testcontainers) instead of the embedded MariaDB. The admin user
         * must be able to create users and grant all privileges; users' passwords must use {@code mysql_native_password}
         * (MariaDB's default; on MySQL 8 set {@code default_authentication_plugin}).
         */
        public Builder backend(String jdbcUrl, String adminUser, String adminPassword) {
            if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:mysql://") || jdbcUrl.startsWith("jdbc:mariadb://"))) {
                throw new IllegalArgumentException("backend jdbcUrl: '" + jdbcUrl
                        + "' is not supported; expected jdbc:mysql://host[:port]/ or jdbc:mariadb://host[:port]/");
            }
            this.backendUrl = jdbcUrl;
            this.backendUser = requireUser(adminUser);
            this.backendPassword = adminPassword;
            return this;
        }

        /**
         * Percona Server's {@code auth_awsiam} instead of RDS's IAM tokens (default false): the password is the
         * session token of one of the {@link #identity identities} made with {@code Identity.withSessionToken}, as if
         * issued by STS, and is accepted when that identity's principal ARN contains the user name (the IAM role's
         * name), as the plugin's {@code sts:GetCallerIdentity} check does.
         */
        public Builder sessionTokenLogin(boolean sessionTokenLogin) {
            this.sessionTokenLogin = sessionTokenLogin;
            return this;
        }

        /**
         * Keeps the CA in {@code directory} ({@code ca.pem}, the unencrypted {@code ca-key.pem}, and {@code ca.p12}),
         * so that clients trusting it still connect after a restart; see {@code LocalIamDatabase.Builder.caDirectory}.
         */
        public Builder caDirectory(Path directory) {
            this.caDirectory = Objects.requireNonNull(directory, "caDirectory");
            return this;
        }

        /** Called for each decision as it is made (used by the runnable server to log them). */
        Builder decisionListener(Consumer<AuthDecision> listener) {
            this.decisionListener = listener;
            return this;
        }

        /**
         * Starts MariaDB and the gateway; fails if either cannot start or the settings conflict
         * ({@link IllegalArgumentException}), or the port is in use ({@link UncheckedIOException} caused by a
         * {@link BindException}).
         */
        public LocalIamMysqlDatabase start() {
            try {
                return new LocalIamMysqlDatabase(this);
            } catch (BindException e) {
                throw new UncheckedIOException(e.getMessage() + "; choose another with port(int), or 0 for any free port", e);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the local IAM MySQL database: " + e.getMessage(), e);
            } catch (SQLException e) {
                throw new IllegalStateException("could not set up users in the backend: " + e.getMessage(), e);
            }
        }
    }
}
