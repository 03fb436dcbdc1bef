package dev.iamdb.testkit.mysql;

import dev.iamdb.testkit.InstanceDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real MySQL-compatible server behind the gateway: an embedded MariaDB (its own process on a loopback port, data in
 * the instance directory) or an existing server given by JDBC URL. The gateway logs in to it with passwords, over plain
 * TCP; the testkit administers it over JDBC with MariaDB Connector/J.
 */
final class MysqlBackend implements AutoCloseable {
    /** The {@link InstanceDirectory} root of MySQL testkits (the binaries are unpacked there too). */
    static final String INSTANCE_ROOT = "iamdb-testkit-mysql";
    static final String PID_FILE = "mariadbd.pid";

    private static final Logger LOG = LoggerFactory.getLogger(MysqlBackend.class);
    private static final String ADMIN_USER = "iamdb_admin";
    private static final long READY_SECONDS = 60;
    private static final int START_ATTEMPTS = 3;

    /** The embedded server, or null. */
    private final Process process;
    private final String host;
    private final int port;
    private final String adminUrl;
    private final Properties adminProperties;

    private MysqlBackend(Process process, String host, int port, String adminUrl, Properties adminProperties) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.adminUrl = adminUrl;
        this.adminProperties = adminProperties;
    }

    /**
     * Copies an initialised data directory into {@code files} and starts MariaDB on a free loopback port with a random admin
     * password; returns when it accepts connections.
     */
    static MysqlBackend embedded(InstanceDirectory files) throws IOException {
        Path base = MariaDbBinaries.baseDirectory();
        Path dir = files.path();
        Path data = dir.resolve("data");
        MariaDbBinaries.copyDataTemplate(data);
        boolean root = MariaDbBinaries.runsAsRoot();

        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path init = dir.resolve("init.sql");
        Files.createFile(init, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(init, "CREATE USER '" + ADMIN_USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'127.0.0.1' WITH GRANT OPTION;\n",
                StandardCharsets.US_ASCII);
        try {
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                List<String> command = new ArrayList<>(List.of(base.resolve("bin/mariadbd").toString(), "--no-defaults",
                        "--basedir=" + base, "--datadir=" + data, "--bind-address=127.0.0.1", "--port=" + port,
                        "--socket=" + dir.resolve("mariadbd.sock"), "--pid-file=" + dir.resolve(PID_FILE),
                        "--init-file=" + init, "--skip-name-resolve",
                        // The gateway reaches it over loopback without TLS; generating a certificate costs a second.
                        "--skip-ssl",
                        "--max-connections=400", "--max-allowed-packet=64M", "--innodb-log-file-size=8M",
                        "--innodb-buffer-pool-size=64M",
                        // Throw-away data: durability only costs test time.
                        "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin", "--skip-innodb-doublewrite"));
                if (root) {
                    command.add("--user=root");
                }
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                String failure = awaitReady(process);
                if (failure == null) {
                    Properties props = new Properties();
                    props.setProperty("user", ADMIN_USER);
                    props.setProperty("password", password);
                    return new MysqlBackend(process, "127.0.0.1", port, "jdbc:mariadb://127.0.0.1:" + port + "/", props);
                }
                InstanceDirectory.stop(process.toHandle());
                // Another process may take the free port between our probe and the server's bind.
                if (!failure.contains("Address already in use") || attempt == START_ATTEMPTS) {
                    throw new IOException("MariaDB did not start: " + failure);
                }
            }
        } finally {
            Files.deleteIfExists(init);
        }
    }

    /** An existing MySQL or MariaDB; its admin user must be able to create users and grant privileges. */
    static MysqlBackend external(String jdbcUrl, String adminUser, String adminPassword) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("backend jdbcUrl: '" + jdbcUrl + "' has no host");
        }
        Properties props = new Properties();
        props.setProperty("user", adminUser);
        if (adminPassword != null) {
            props.setProperty("password", adminPassword);
        }
        // MariaDB Connector/J, the driver this module brings, claims only jdbc:mariadb: URLs.
        String adminUrl = "jdbc:mariadb:" + jdbcUrl.substring(jdbcUrl.indexOf("//"));
        return new MysqlBackend(null, uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(), adminUrl, props);
    }

    /**
     * Reads the server's log until it is ready (null) or exits (its last lines). The log keeps being drained
     * afterwards, at debug level, so the server never blocks on a full pipe.
     */
    private static String awaitReady(Process process) throws IOException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Deque<String> last = new ArrayDeque<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    LOG.debug("mariadbd: {}", line);
                    if (last.size() == 10) {
                        last.removeFirst();
                    }
                    last.addLast(line);
                    if (line.contains("ready for connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // The server went away; reported below as its exit.
            }
            ready.complete(lastLines(List.copyOf(last)));
        }, "iamdb-mariadbd-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return ready.get(READY_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "not ready after " + READY_SECONDS + " s";
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting MariaDB", e);
        }
    }

    private static String lastLines(List<String> lines) {
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** A new admin connection; the caller closes it. */
    Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(adminUrl, adminProperties);
    }

    /**
     * The running server of instance directory {@code dir}, for {@link InstanceDirectory}'s reaping; the command name
     * guards against a reused process id.
     */
    static Optional<ProcessHandle> mariadbdIn(Path dir) throws IOException {
        String pid;
        try {
            pid = Files.readString(dir.resolve(PID_FILE), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty(); // Not started, or stopped cleanly.
        }
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(pid))
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false));
    }

    /** Stops the embedded server (an existing one stays up). */
    @Override
    public void close() {
        if (process != null) {
            InstanceDirectory.stop(process.toHandle());
        }
    }
}
