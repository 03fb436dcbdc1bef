package dev.iamdb.benchmarks;

import dev.iamdb.IamConfig;
import dev.iamdb.TokenProvider;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * The cost iamdb adds where an application feels it: handing out a cached token, and signing a new
 * one compared with calling the SDK's token utilities directly (same credentials, same host).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class TokenBenchmark {
    private static final String DSQL_HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final String RDS_HOST = "mydb.cluster-c0abcdefghij.us-east-1.rds.amazonaws.com";
    private static final String DRIVER_URL = "jdbc:iamdb:postgresql://" + DSQL_HOST + ":5432/postgres"
            + "?ApplicationName=orders&awsCredentialsProvider=" + StaticTestCredentials.class.getName();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    private TokenProvider cached;
    private TokenProvider dsqlSigning;
    private TokenProvider rdsSigning;
    private DsqlUtilities dsqlUtilities;
    private RdsUtilities rdsUtilities;

    @Setup
    public void setUp() {
        cached = new TokenProvider(config(DSQL_HOST, "admin").build());
        dsqlSigning = new TokenProvider(config(DSQL_HOST, "admin").property("iamExpiration", "0").build());
        rdsSigning = new TokenProvider(config(RDS_HOST, "app_user").property("iamExpiration", "0").build());
        dsqlUtilities = DsqlUtilities.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
        rdsUtilities = RdsUtilities.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
    }

    private static IamConfig.Builder config(String host, String user) {
        return IamConfig.builder().host(host).property("user", user).credentialsProvider(CREDENTIALS);
    }

    @TearDown
    public void tearDown() {
        cached.close();
        dsqlSigning.close();
        rdsSigning.close();
    }

    /** What IamDataSource.getConnection() pays for its password while the cached token is fresh. */
    @Benchmark
    public String cachedToken() throws SQLException {
        return cached.token();
    }

    /** What the jdbc:iamdb: driver does per connection before it reaches the token cache. */
    @Benchmark
    public IamConfig configFromDriverUrl() {
        return IamConfig.builder().url(DRIVER_URL).property("user", "admin").build();
    }

    @Benchmark
    public String signDsqlWithIamdb() throws SQLException {
        return dsqlSigning.token();
    }

    @Benchmark
    public String signDsqlWithSdkUtilities() {
        return dsqlUtilities.generateDbConnectAdminAuthToken(b -> b.hostname(DSQL_HOST));
    }

    @Benchmark
    public String signRdsWithIamdb() throws SQLException {
        return rdsSigning.token();
    }

    @Benchmark
    public String signRdsWithSdkUtilities() {
        return rdsUtilities.generateAuthenticationToken(b -> b.hostname(RDS_HOST).port(5432).username("app_user"));
    }

    /** A provider class, as URL-only configurations name one. */
    public static final class StaticTestCredentials implements software.amazon.awssdk.auth.credentials.AwsCredentialsProvider {
        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "secret");
        }
    }
}
