package dev.iamdb.benchmarks;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.testkit.CertificateAuthority;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The MySQL testkit's gateway against the embedded MariaDB behind it, with MariaDB Connector/J:
 * <ul>
 *   <li>{@code mariadbDirect}: a password user straight to MariaDB, without TLS (the testkit starts MariaDB without
 *       it);</li>
 *   <li>{@code iamdbThroughGateway}: {@link IamDataSource} to the gateway over verified TLS, which a token needs (it
 *       travels in clear text, as on RDS); the gateway verifies it (SigV4, signed host, the user's
 *       {@code AWSAuthenticationPlugin}) and logs in to MariaDB on the client's behalf. The difference is the gateway's
 *       added latency, TLS handshake included;</li>
 *   <li>{@code tlsHandshake}: a bare TLS handshake between two JDK sockets with a certificate of the testkit's CA, the
 *       part of that difference which any IAM login to MySQL pays (RDS requires TLS for it too);</li>
 * </ul>
 * and reading a 50 MB result set over each, the gateway's relay throughput.
 */
@State(Scope.Benchmark)
@Fork(1)
// The JDK's elliptic-curve code, most of a TLS handshake, takes longer than ConnectionBenchmark's warm-up to compile.
@Warmup(iterations = 6, time = 3)
@Measurement(iterations = 5, time = 3)
public class MysqlGatewayBenchmark {
    /** About 50 MB: 50,000 rows of 1,000 characters, from MariaDB's sequence engine. */
    private static final String LARGE = "SELECT REPEAT('x', 1000) FROM seq_1_to_50000";
    private static final String PASSWORD = "benchmark-password";

    private LocalIamMysqlDatabase db;
    private String directUrl;
    private Properties passwordLogin;
    private IamDataSource iamdbGateway;
    private SSLServerSocket tlsServer;
    private SSLSocketFactory tlsClient;

    @Setup(Level.Trial)
    public void start() throws SQLException, IOException, GeneralSecurityException {
        db = LocalIamMysqlDatabase.builder().user("app").start();
        int port;
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER 'bench'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT ALL ON *.* TO 'bench'@'%'");
            try (ResultSet r = s.executeQuery("SELECT @@port")) {
                r.next();
                port = r.getInt(1);
            }
        }
        directUrl = "jdbc:mariadb://127.0.0.1:" + port + "/" + db.database() + "?sslMode=disable";
        passwordLogin = new Properties();
        passwordLogin.setProperty("user", "bench");
        passwordLogin.setProperty("password", PASSWORD);
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey()));
        iamdbGateway = new IamDataSource(IamConfig.builder()
                .url(db.mariadbJdbcUrl() + "&iamHost=" + db.endpoint() + "&iamDefaultPort=" + db.endpointPort())
                .property("user", "app").credentialsProvider(credentials).build());
        startTlsServer();
    }

    /** A loopback TLS server that completes each handshake and waits for the client to close. */
    private void startTlsServer() throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("iamdb-tls-benchmark");
        CertificateAuthority ca = CertificateAuthority.mint(dir.resolve("ca.pem"));
        tlsServer = (SSLServerSocket) ca.serverContext(List.of("localhost"), false).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!tlsServer.isClosed()) {
                try (SSLSocket s = (SSLSocket) tlsServer.accept()) {
                    // As the gateway does: without it, Nagle's algorithm holds back the handshake's small records.
                    s.setTcpNoDelay(true);
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (IOException e) {
                    // The client closed first, or the server is closing.
                }
            }
        }, "tls-benchmark-server");
        acceptor.setDaemon(true);
        acceptor.start();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trustManagers.getTrustManagers(), null);
        tlsClient = client.getSocketFactory();
        Files.delete(dir.resolve("ca.pem"));
        Files.delete(dir);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        tlsServer.close();
        iamdbGateway.close();
        db.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void tlsHandshake() throws IOException {
        try (SSLSocket s = (SSLSocket) tlsClient.createSocket("localhost", tlsServer.getLocalPort())) {
            s.setTcpNoDelay(true);
            SSLParameters parameters = s.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(parameters);
            s.startHandshake();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void mariadbDirect() throws SQLException {
        DriverManager.getConnection(directUrl, passwordLogin).close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void iamdbThroughGateway() throws SQLException {
        iamdbGateway.getConnection().close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long readDirect() throws SQLException {
        try (Connection c = DriverManager.getConnection(directUrl, passwordLogin)) {
            return read(c);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long readThroughGateway() throws SQLException {
        try (Connection c = iamdbGateway.getConnection()) {
            return read(c);
        }
    }

    private static long read(Connection c) throws SQLException {
        long chars = 0;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(LARGE)) {
            while (r.next()) {
                chars += r.getString(1).length();
            }
        }
        if (chars < 50_000_000L) {
            throw new IllegalStateException("the query returned " + chars + " characters");
        }
        return chars;
    }
}
