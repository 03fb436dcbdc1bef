package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.LocalIamDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A fleet starting at once, against a server that admits 20 new connections per second as DSQL's quota does. */
class LoginStormTest {
    static final int RATE_LIMIT = 20;
    static final int POOLS = 50;
    static final int LOGIN_TIMEOUT_SECONDS = 10;

    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().connectionRateLimit(RATE_LIMIT).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void fiftySimultaneousPoolStartsAllSucceedWithinTheLoginTimeout() throws Exception {
        IamConfig config = IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "admin")
                .property("pool.maximumPoolSize", 1)
                .property("pool.connectionTimeout", LOGIN_TIMEOUT_SECONDS * 1000)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey())))
                .build();
        ExecutorService executor = Executors.newFixedThreadPool(POOLS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<IamPooledDataSource>> starts = new ArrayList<>();
        for (int i = 0; i < POOLS; i++) {
            starts.add(executor.submit(() -> {
                go.await();
                return new IamPooledDataSource(config); // Opens its first connection now, or fails.
            }));
        }
        long begin = System.nanoTime();
        go.countDown();
        List<IamPooledDataSource> pools = new ArrayList<>();
        try {
            for (Future<IamPooledDataSource> start : starts) {
                pools.add(start.get(LOGIN_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            for (IamPooledDataSource pool : pools) {
                try (Connection c = pool.getConnection()) {
                    assertThat(c.isValid(1)).isTrue();
                }
            }
            long refused = db.decisions().stream().filter(d -> d.reason().contains("connection rate limit")).count();

            assertThat(pools).hasSize(POOLS);
            assertThat(millis).isLessThan(LOGIN_TIMEOUT_SECONDS * 1000L);
            assertThat(refused).as("logins refused for the rate").isPositive();
            System.out.printf("%d pools started in %d ms; %d logins refused for the rate and retried%n", POOLS, millis, refused);
        } finally {
            pools.forEach(IamPooledDataSource::close);
            executor.shutdownNow();
        }
    }
}
