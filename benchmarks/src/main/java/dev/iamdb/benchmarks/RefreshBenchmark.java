package dev.iamdb.benchmarks;

import dev.iamdb.IamConfig;
import dev.iamdb.TokenProvider;
import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * 64 threads asking for a token. With {@code refresh=true} every iteration starts with the cached
 * token past its refresh point, so one caller signs while 63 keep using the valid token; the latency
 * distribution (p99) is compared with the steady state ({@code refresh=false}) in the same run, and
 * the number of signings per iteration is printed: it must be exactly 1.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(64)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class RefreshBenchmark {
    @Param({"false", "true"})
    public boolean refresh;

    private final ManualClock clock = new ManualClock();
    private TokenProvider tokens;
    private long signedBefore;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        tokens = new TokenProvider(IamConfig.builder().host("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws")
                .property("user", "admin").property("iamExpiration", "600").clock(clock)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "secret")))
                .build());
        tokens.token();
    }

    @Setup(Level.Iteration)
    public void atRefreshPoint() {
        if (refresh) {
            clock.advance(Duration.ofSeconds(480)); // 80% of the 600 s reuse window of the current token
        }
        signedBefore = tokens.tokensSigned();
    }

    @TearDown(Level.Iteration)
    public void countSignings() {
        System.out.println("signings in this iteration: " + (tokens.tokensSigned() - signedBefore));
    }

    @TearDown(Level.Trial)
    public void stop() {
        tokens.close();
    }

    @Benchmark
    public String token() throws SQLException {
        return tokens.token();
    }
}
