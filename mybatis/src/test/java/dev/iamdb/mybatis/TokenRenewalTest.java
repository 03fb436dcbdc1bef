package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Physical connections opened as time passes each log in with a current token. XML cannot carry a clock, so
 * the factory is the one the XML names, given the app environment's properties in code and, through
 * {@link IamDataSourceFactory#configure}, the clock it shares with the testkit.
 */
class TokenRenewalTest {
    private static final ManualClock clock = new ManualClock(Instant.now());
    private static final Identity NOTES = Identity.of("AKIANOTESEXAMPLE0002", "notes-renewal-secret",
            "arn:aws:iam::123456789012:role/notes");

    @RegisterExtension
    static final LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(NOTES).role("app").clock(clock));

    /** What a subclass adds that properties cannot: a clock and a credentials provider instance. */
    static final class ClockedFactory extends IamDataSourceFactory {
        @Override
        protected void configure(IamConfig.Builder config) {
            config.clock(clock).credentialsProvider(TestkitConfigs.credentials(NOTES));
        }
    }

    @Test
    void connectionsOpenedAcrossTheTokensReuseWindowLogIn(LocalIamDatabase db) throws SQLException {
        Properties app = new Properties();
        app.setProperty("url", db.iamdbJdbcUrl());
        app.setProperty("username", "app");
        app.setProperty("pool.maximumPoolSize", "2");
        app.setProperty("pool.minimumIdle", "0");
        IamDataSourceFactory factory = new ClockedFactory();
        factory.setProperties(app);
        Instant renewed;
        try (IamPooledDataSource pool = factory.getDataSource()) {
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(sessionsOver(pool));
            assertThat(currentUser(sessions)).isEqualTo("app");
            assertThat(pool.tokenProvider().tokensSigned()).isEqualTo(1);

            clock.advance(Duration.ofMinutes(5)); // inside the reuse window: a new connection reuses the token
            evictPooledConnections(pool);
            assertThat(currentUser(sessions)).isEqualTo("app");
            assertThat(pool.tokenProvider().tokensSigned()).isEqualTo(1);
            assertThat(pool.tokenProvider().tokensReused()).isPositive();

            clock.advance(Duration.ofMinutes(11)); // 16 minutes: the first token has expired for the server too
            renewed = clock.instant();
            evictPooledConnections(pool);
            assertThat(currentUser(sessions)).isEqualTo("app");
            assertThat(pool.tokenProvider().tokensSigned()).isEqualTo(2);
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).containsOnly(true);
        assertThat(db.decisions()).filteredOn(d -> !d.time().isBefore(renewed)).isNotEmpty();
    }

    private static Configuration sessionsOver(IamPooledDataSource pool) {
        Configuration configuration = new Configuration(new Environment("app", new JdbcTransactionFactory(), pool));
        configuration.addMapper(SessionMapper.class);
        return configuration;
    }

    /** Makes the pool's next borrow open a new physical connection, as maxLifetime would. */
    private static void evictPooledConnections(IamPooledDataSource pool) throws SQLException {
        pool.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
    }

    private static String currentUser(SqlSessionFactory sessions) {
        try (SqlSession session = sessions.openSession()) {
            return session.getMapper(SessionMapper.class).currentUser();
        }
    }
}
