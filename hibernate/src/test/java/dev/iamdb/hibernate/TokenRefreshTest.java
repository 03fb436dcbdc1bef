package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;

/**
 * New physical connections opened after the token's reuse window log in with a freshly signed token.
 * The testkit and iamdb share one manual clock, so the 15-minute expiry passes without waiting.
 */
class TokenRefreshTest {

    @Test
    void connectionsOpenedAfterTheReuseWindowGetFreshTokens() throws Exception {
        ManualClock clock = new ManualClock();
        try (LocalIamDatabase db = LocalIamDatabase.builder().clock(clock).start()) {
            IamConnectionProvider provider = new IamConnectionProvider(clock);
            Configuration configuration = new Configuration();
            Testkit.overrides(db).forEach(configuration.getProperties()::put);
            configuration.getProperties().putAll(Map.of(
                    "hibernate.connection.provider_class", provider,
                    "hibernate.connection.username", "admin",
                    "hibernate.hikari.maximumPoolSize", "2",
                    "hibernate.hikari.minimumIdle", "1"));
            try (SessionFactory sf = configuration.buildSessionFactory()) {
                IamPooledDataSource pool = provider.unwrap(IamPooledDataSource.class);
                long signedBefore = pool.tokenProvider().tokensSigned();
                assertThat(currentUser(sf)).isEqualTo("admin");

                clock.advance(Duration.ofMinutes(16));
                provider.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();

                assertThat(currentUser(sf)).isEqualTo("admin");
                assertThat(pool.tokenProvider().tokensSigned()).isGreaterThan(signedBefore);
                assertThat(db.decisions()).hasSizeGreaterThanOrEqualTo(2).allMatch(AuthDecision::accepted);
                List<AuthDecision> decisions = db.decisions();
                assertThat(decisions.get(decisions.size() - 1).time()).isAfter(decisions.get(0).time().plus(Duration.ofMinutes(15)));
                assertThat(provider.isUnwrappableAs(DataSource.class)).isTrue();
                assertThat(provider.unwrap(DataSource.class)).isSameAs(pool);
            }
            assertThat(provider.unwrap(IamPooledDataSource.class).isClosed()).as("stopped with the SessionFactory").isTrue();
        }
    }

    private static String currentUser(SessionFactory sf) {
        return sf.fromTransaction(s -> s.createNativeQuery("select current_user", String.class).getSingleResult());
    }
}
