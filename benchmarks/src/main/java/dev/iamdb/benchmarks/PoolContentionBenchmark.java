package dev.iamdb.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * 64 threads share a pool of 10 connections, each borrowing one, running {@code select 1} and returning it: iamdb's
 * pool ({@link IamPooledDataSource}, a token per physical connection) against the same HikariCP pool with a static
 * password. Both reach one embedded PostgreSQL with trust authentication and no TLS, so only the pools differ.
 * Throughput and the sampled {@code getConnection}-to-close latency (p99) per variant.
 */
@State(Scope.Benchmark)
@Fork(1)
@Threads(64)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class PoolContentionBenchmark {
    @Param({"iamdb", "password"})
    public String pool;

    private EmbeddedPostgres postgres;
    private DataSource dataSource;

    @Setup(Level.Trial)
    public void start() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?sslmode=disable";
        if (pool.equals("iamdb")) {
            dataSource = new IamPooledDataSource(IamConfig.builder().url(url).property("user", "postgres")
                    .property("iamHost", "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws")
                    .property("pool.maximumPoolSize", 10).property("pool.minimumIdle", 10)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIABENCHMARK0000001", "benchmark-secret")))
                    .build());
        } else {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername("postgres");
            config.setPassword("a-password-trust-authentication-ignores");
            config.setMaximumPoolSize(10);
            config.setMinimumIdle(10);
            dataSource = new HikariDataSource(config);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        ((AutoCloseable) dataSource).close();
        postgres.close();
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int borrowQueryReturn() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select 1")) {
            r.next();
            return r.getInt(1);
        }
    }
}
