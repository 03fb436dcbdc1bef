package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A rate limit that never lifts (the server's clock stands still): iamdb gives up at the login timeout and says why. */
class LoginRateLimitTest {
    static final ManualClock clock = new ManualClock();
    static LocalIamDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().clock(clock).connectionRateLimit(1).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void givesUpAtTheLoginTimeoutAndSaysItWasTheRateLimit() throws SQLException {
        IamConfig config = IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "admin").clock(clock)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(db.identity().accessKeyId(), db.identity().secretAccessKey())))
                .build();
        try (IamDataSource source = new IamDataSource(config)) {
            source.setLoginTimeout(1);
            try (Connection first = source.getConnection()) {
                long begin = System.nanoTime();
                assertThatThrownBy(source::getConnection)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53400"))
                        .hasMessageContaining("because too many connections are being opened")
                        .hasMessageContaining("within the login timeout of 1 s")
                        .hasMessageContaining("connection rate limit of 1 new connections per second");
                long millis = (System.nanoTime() - begin) / 1_000_000;

                assertThat(millis).as("gives up instead of waiting on").isLessThan(10_000L);
                assertThat(db.decisions().stream().filter(d -> !d.accepted()).count()).isGreaterThan(1);
            }
        }
    }
}
