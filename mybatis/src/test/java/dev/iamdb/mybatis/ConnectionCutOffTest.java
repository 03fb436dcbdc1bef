package dev.iamdb.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** When the server ends a pooled connection (Aurora DSQL's 60-minute cap, here 2 s), MyBatis gets a new one that logs in. */
class ConnectionCutOffTest {
    private static final Duration MAX_CONNECTION_DURATION = Duration.ofSeconds(2);
    private static final Identity NOTES = Identity.of("AKIANOTESEXAMPLE0003", "notes-cutoff-secret",
            "arn:aws:iam::123456789012:role/notes");

    @RegisterExtension
    static final LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(NOTES).role("app").maxConnectionDuration(MAX_CONNECTION_DURATION));

    @Test
    void aSessionAfterTheServerEndedThePooledConnectionGetsAFreshLogin(LocalIamDatabase db) throws Exception {
        IamDataSourceFactory factory = new IamDataSourceFactory() {
            @Override
            protected void configure(IamConfig.Builder config) {
                config.credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(NOTES.accessKeyId(), NOTES.secretAccessKey())));
            }
        };
        Properties app = new Properties();
        app.setProperty("url", db.iamdbJdbcUrl());
        app.setProperty("username", "app");
        // One physical connection at a time, so every connection after the cut-off is young when it is used.
        app.setProperty("pool.maximumPoolSize", "1");
        factory.setProperties(app);
        try (IamPooledDataSource pool = factory.getDataSource()) {
            Configuration configuration = new Configuration(new Environment("app", new JdbcTransactionFactory(), pool));
            configuration.addMapper(SessionMapper.class);
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);
            int first;
            try (SqlSession session = sessions.openSession()) {
                first = session.getMapper(SessionMapper.class).backendPid();
            }
            awaitBackendGone(db, first);
            try (SqlSession session = sessions.openSession()) {
                SessionMapper mapper = session.getMapper(SessionMapper.class);
                assertThat(mapper.currentUser()).isEqualTo("app");
                assertThat(mapper.backendPid()).isNotEqualTo(first);
            }
        }
        assertThat(db.decisions()).extracting(AuthDecision::accepted).hasSizeGreaterThanOrEqualTo(2).containsOnly(true);
    }

    /** Waits, at most 10 s, until the server has ended the session with this backend pid. */
    private static void awaitBackendGone(LocalIamDatabase db, int pid) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection admin = db.adminConnection();
             PreparedStatement alive = admin.prepareStatement("select count(*) from pg_stat_activity where pid = ?")) {
            alive.setInt(1, pid);
            while (true) {
                try (ResultSet rs = alive.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                assertThat(System.nanoTime() - deadline).as("backend %d still alive after 10 s", pid).isNegative();
                Thread.sleep(100);
            }
        }
    }
}
