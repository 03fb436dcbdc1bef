package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
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
 * When the server ends a pooled connection (Aurora DSQL's 60-minute cap, ended on demand here), MyBatis gets a new
 * one that logs in.
 */
class ConnectionCutOffTest {
    private static final Identity NOTES = Identity.of("AKIANOTESEXAMPLE0003", "notes-cutoff-secret",
            "arn:aws:iam::123456789012:role/notes");
    /** HikariCP reads this when a pool is created; a negative window makes it check every connection it hands out. */
    private static final String ALIVE_BYPASS_WINDOW = "com.zaxxer.hikari.aliveBypassWindowMs";

    @RegisterExtension
    static final LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(NOTES).role("app"));

    @Test
    void aSessionAfterTheServerEndedThePooledConnectionGetsAFreshLogin(LocalIamDatabase db) throws Exception {
        IamDataSourceFactory factory = new IamDataSourceFactory() {
            @Override
            protected void configure(IamConfig.Builder config) {
                config.credentialsProvider(TestkitConfigs.credentials(NOTES));
            }
        };
        Properties app = new Properties();
        app.setProperty("url", db.iamdbJdbcUrl());
        app.setProperty("username", "app");
        // One physical connection at a time, so the session after the cut-off must use a new one.
        app.setProperty("pool.maximumPoolSize", "1");
        try (IamPooledDataSource pool = newPoolCheckingEveryBorrow(factory, app)) {
            Configuration configuration = new Configuration(new Environment("app", new JdbcTransactionFactory(), pool));
            configuration.addMapper(SessionMapper.class);
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            int first;
            try (SqlSession session = sessions.openSession()) {
                first = session.getMapper(SessionMapper.class).backendPid();
            }
            assertThat(db.endSessions()).as("the pooled connection's session, ended by the server").isEqualTo(1);
            try (SqlSession session = sessions.openSession()) {
                SessionMapper mapper = session.getMapper(SessionMapper.class);
                assertThat(mapper.currentUser()).isEqualTo("app");
                assertThat(mapper.backendPid()).isNotEqualTo(first);
            }
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).hasSize(2).containsOnly(true);
    }

    /**
     * HikariCP hands out a connection used in the last 500 ms unchecked. A connection the server ends after sitting
     * idle in the pool is older than that; here the session ends right after use, so the pool must check every time.
     */
    private static IamPooledDataSource newPoolCheckingEveryBorrow(IamDataSourceFactory factory, Properties properties) {
        String before = System.getProperty(ALIVE_BYPASS_WINDOW);
        // -1, not 0: HikariCP skips the check while less than the window has passed, and 0 ms can pass on a fast machine.
        System.setProperty(ALIVE_BYPASS_WINDOW, "-1");
        try {
            factory.setProperties(properties);
            return factory.getDataSource();
        } finally {
            if (before == null) {
                System.clearProperty(ALIVE_BYPASS_WINDOW);
            } else {
                System.setProperty(ALIVE_BYPASS_WINDOW, before);
            }
        }
    }
}
