package dev.iamdb.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real PostgreSQL behind the gateway: an embedded one (trust authentication on loopback) or an
 * existing server given by JDBC URL, to which the gateway logs in with passwords the testkit sets.
 */
final class Backend implements AutoCloseable {

    /** Gateway sessions need one backend connection each; 200 concurrent sessions must fit with room to spare. */
    static final int EMBEDDED_MAX_CONNECTIONS = 400;
    private static final int ADMIN_POOL_SIZE = 4;
    private static final long STOP_SECONDS = 15;

    private final EmbeddedPostgres embedded;
    /** The embedded server's postmaster, or null. */
    private final ProcessHandle postmaster;
    private final String host;
    private final int port;
    private final String adminUrl;
    private final Properties adminProperties;
    private final boolean needsPasswords;
    private final Map<String, String> rolePasswords = new ConcurrentHashMap<>();
    private final BlockingQueue<Connection> idleAdmin = new ArrayBlockingQueue<>(ADMIN_POOL_SIZE);
    private final Semaphore adminPermits = new Semaphore(ADMIN_POOL_SIZE);

    private Backend(EmbeddedPostgres embedded, ProcessHandle postmaster, String host, int port, String adminUrl,
            Properties adminProperties, boolean needsPasswords) {
        this.embedded = embedded;
        this.postmaster = postmaster;
        this.host = host;
        this.port = port;
        this.adminUrl = adminUrl;
        this.adminProperties = adminProperties;
        this.needsPasswords = needsPasswords;
    }

    /** Starts PostgreSQL on {@code dataDirectory}, which it creates and deletes again on close. */
    /** The {@link InstanceDirectory} root of PostgreSQL testkits, and the data directory inside an instance's. */
    static final String INSTANCE_ROOT = "iamdb-testkit";
    static final String POSTGRES_DATA = "pgdata";

    static Backend embedded(Path dataDirectory) throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", Integer.toString(EMBEDDED_MAX_CONNECTIONS))
                // Throw-away data: durability only costs test time.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                // Aurora DSQL never waits for a row: a deadlock, which DSQL mode reports as a conflict, should end at
                // once rather than after PostgreSQL's default second.
                .setServerConfig("deadlock_timeout", "20ms")
                .start();
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return new Backend(pg, postmaster(dataDirectory).orElse(null), "127.0.0.1", pg.getPort(),
                "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", props, false);
    }

    static Backend external(String jdbcUrl, String adminUser, String adminPassword) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("backend jdbcUrl: '" + jdbcUrl
                    + "' is not supported; expected jdbc:postgresql://host[:port]/database");
        }
        URI uri = URI.create(jdbcUrl.substring(5));
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("backend jdbcUrl: '" + jdbcUrl + "' has no host");
        }
        Properties props = new Properties();
        props.setProperty("user", adminUser);
        if (adminPassword != null) {
            props.setProperty("password", adminPassword);
        }
        return new Backend(null, null, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), jdbcUrl, props, true);
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** A new superuser (admin) connection; the caller closes it. */
    Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(adminUrl, adminProperties);
    }

    /** Runs {@code work} on a pooled admin connection; the pool keeps per-login role checks cheap. */
    <T> T withAdmin(SqlWork<T> work) throws SQLException {
        adminPermits.acquireUninterruptibly();
        Connection c = idleAdmin.poll();
        try {
            if (c == null || c.isClosed()) {
                c = adminConnection();
            }
            T result = work.run(c);
            idleAdmin.offer(c);
            c = null;
            return result;
        } finally {
            if (c != null) {
                c.close();
            }
            adminPermits.release();
        }
    }

    /**
     * The password the gateway logs in to the backend with for {@code role}: none for the embedded
     * server (trust), a random one set on first use for an external server.
     */
    String passwordFor(String role) throws SQLException {
        if (!needsPasswords) {
            return null;
        }
        String known = rolePasswords.get(role);
        if (known != null) {
            return known;
        }
        // Serialised so two first logins of one role cannot set different passwords.
        synchronized (rolePasswords) {
            known = rolePasswords.get(role);
            if (known != null) {
                return known;
            }
            String password = Identity.random("abcdefghijklmnopqrstuvwxyz0123456789", 32);
            withAdmin(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER ROLE " + quoteIdentifier(role) + " PASSWORD '" + password + "'");
                }
                return null;
            });
            rolePasswords.put(role, password);
            return password;
        }
    }

    /**
     * The running postmaster of the PostgreSQL data directory {@code data}, from its {@code postmaster.pid}. Guards
     * against a reused process id: the process must be a postgres, and run on {@code data} where that shows.
     */
    /** The postmaster still running on an instance directory's data, for {@link InstanceDirectory}'s reaping. */
    static Optional<ProcessHandle> postmasterIn(Path instanceDirectory) throws IOException {
        return postmaster(instanceDirectory.resolve(POSTGRES_DATA));
    }

    static Optional<ProcessHandle> postmaster(Path data) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // Not started, or stopped cleanly.
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(p -> {
            ProcessHandle.Info info = p.info();
            return info.command().map(c -> c.endsWith("postgres")).orElse(false)
                    && info.arguments().map(args -> List.of(args).contains(data.toString())).orElse(true);
        });
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws IOException {
        Connection c;
        while ((c = idleAdmin.poll()) != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // The server goes away next anyway.
            }
        }
        if (embedded != null) {
            embedded.close();
        }
        if (postmaster != null) {
            // In a shutdown hook the embedded server's own hook may be the one stopping it, and close() returns at
            // once; waiting here keeps its data from being deleted under a running server.
            try {
                postmaster.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Still running: InstanceDirectory keeps the owner file, so the next start stops it.
            }
        }
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
