package dev.iamdb.benchmarks;

import dev.iamdb.IamConfig;
import dev.iamdb.IamDataSource;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
import org.postgresql.PGConnection;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Opening physical connections, all to one embedded PostgreSQL (trust authentication, no TLS, so the
 * network path is the same for every variant):
 * <ul>
 *   <li>{@code pgjdbcDirect}: plain pgjdbc with a password, the baseline;</li>
 *   <li>{@code iamdbDirect}: {@link IamDataSource} to the same server, i.e. iamdb's own cost (token from
 *       the cache, properties, driver lookup);</li>
 *   <li>{@code iamdbDriverDirect}: the {@code jdbc:iamdb:} driver to the same server, which also builds and
 *       checks the configuration from the URL for every connection;</li>
 *   <li>{@code iamdbThroughGateway}: the testkit's gateway in front of the same server, which verifies
 *       the token and relays: the gateway's added connect latency.</li>
 * </ul>
 * and relaying a large COPY directly and through the gateway.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ConnectionBenchmark {
    private static final Identity IDENTITY = Identity.of("AKIABENCHMARK0000001", "benchmark-secret", Identity.DEFAULT_PRINCIPAL_ARN);
    /** About 50 MB: 50,000 rows of 1,000 characters. */
    private static final String COPY = "COPY (SELECT repeat('x', 1000) FROM generate_series(1, 50000)) TO STDOUT";

    private EmbeddedPostgres postgres;
    private LocalIamDatabase gateway;
    private String directUrl;
    private Properties passwordLogin;
    private IamDataSource iamdbDirect;
    private IamDataSource iamdbGateway;
    private String driverUrl;
    private Properties driverLogin;

    @Setup(Level.Trial)
    public void start() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "300").start();
        directUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?sslmode=disable";
        gateway = LocalIamDatabase.builder().backend(directUrl, "postgres", null).identity(IDENTITY).tls(false).start();
        passwordLogin = new Properties();
        passwordLogin.setProperty("user", "admin");
        passwordLogin.setProperty("password", "a-password-trust-authentication-ignores");
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY.accessKeyId(), IDENTITY.secretAccessKey()));
        iamdbDirect = new IamDataSource(IamConfig.builder().url(directUrl).property("user", "admin")
                .property("iamHost", gateway.endpoint()).credentialsProvider(credentials).build());
        driverUrl = "jdbc:iamdb:" + directUrl.substring("jdbc:".length()) + "&iamHost=" + gateway.endpoint()
                + "&awsCredentialsProvider=" + BenchmarkCredentials.class.getName();
        driverLogin = new Properties();
        driverLogin.setProperty("user", "admin");
        iamdbGateway = new IamDataSource(IamConfig.builder()
                .url("jdbc:postgresql://127.0.0.1:" + gateway.port() + "/postgres?sslmode=disable").property("user", "admin")
                .property("iamHost", gateway.endpoint()).credentialsProvider(credentials).build());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        iamdbDirect.close();
        iamdbGateway.close();
        gateway.close();
        postgres.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void pgjdbcDirect() throws SQLException {
        DriverManager.getConnection(directUrl, passwordLogin).close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void iamdbDirect() throws SQLException {
        iamdbDirect.getConnection().close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void iamdbDriverDirect() throws SQLException {
        DriverManager.getConnection(driverUrl, driverLogin).close();
    }

    /** Credentials for the driver route, which can only name a provider class. */
    public static final class BenchmarkCredentials implements software.amazon.awssdk.auth.credentials.AwsCredentialsProvider {
        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(IDENTITY.accessKeyId(), IDENTITY.secretAccessKey());
        }
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
    public long copyDirect() throws SQLException, IOException {
        try (Connection c = iamdbDirect.getConnection()) {
            return copy(c);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long copyThroughGateway() throws SQLException, IOException {
        try (Connection c = iamdbGateway.getConnection()) {
            return copy(c);
        }
    }

    private static long copy(Connection c) throws SQLException, IOException {
        CountingSink sink = new CountingSink();
        c.unwrap(PGConnection.class).getCopyAPI().copyOut(COPY, sink);
        if (sink.bytes < 50_000_000L) {
            throw new IllegalStateException("COPY returned " + sink.bytes + " bytes");
        }
        return sink.bytes;
    }

    private static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
