package dev.iamdb.testkit.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import dev.iamdb.testkit.Service;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;

/**
 * The Java snippets of docs/testing.md, verbatim, in a package of their own so that they use only the testkit's
 * public API, as a user's tests do.
 */
class TestingGuideTest {

    @Test
    void javaApi() throws SQLException {
        try (LocalIamDatabase db = LocalIamDatabase.builder()
                .service(Service.DSQL)                 // or Service.RDS
                .region("us-east-1")                   // default
                .role("app")                           // extra login role, usable by the default identity
                .start()) {
            Identity id = db.identity();               // generated AKIA… key, arn:aws:iam::123456789012:role/iamdb-local
            String token = DsqlUtilities.builder()
                    .region(Region.of(db.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
                    .build()
                    .generateDbConnectAdminAuthToken(b -> b.hostname(db.endpoint()));
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "admin", token)) {
                // jdbcUrl() = jdbc:postgresql://127.0.0.1:<port>/postgres?sslmode=verify-full&sslrootcert=<CA file>
            }
        }
        // getConnection threw if the gateway refused the token.
    }

    @Test
    void timeWithoutSleeping() {
        ManualClock clock = new ManualClock();
        LocalIamDatabase db = LocalIamDatabase.builder().clock(clock).start();
        String token = adminToken(db);                       // signed now: valid for 900 s
        clock.advance(Duration.ofMinutes(16));               // now expired for the gateway

        try (db) {
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "admin", token).close())
                    .isInstanceOf(SQLException.class);
            assertThat(db.decisions()).singleElement().satisfies(d -> {
                assertThat(d.accepted()).isFalse();
                assertThat(d.reason()).contains("expired");
            });
        }
    }

    @Test
    void certificateAClientMustRefuse() {
        try (LocalIamDatabase db = LocalIamDatabase.builder()
                .certificateNames("evil.example.com")      // or .selfSignedCertificate(true)
                .start()) {
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "admin", adminToken(db)))
                    .isInstanceOf(SQLException.class);     // verify-full: the name does not match
            assertThat(db.passwordsReceived()).isZero();   // the token never left the client
        }
    }

    @Test
    void existingPostgres() throws Exception {
        try (EmbeddedPostgres embedded = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start()) {
            Postgres postgres = new Postgres(embedded);
            LocalIamDatabase db = LocalIamDatabase.builder()
                    .backend(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword())
                    .start();

            try (db; Connection c = DriverManager.getConnection(db.jdbcUrl(), "admin", adminToken(db));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("admin");
            }
        }
    }

    private static String adminToken(LocalIamDatabase db) {
        Identity id = db.identity();
        return DsqlUtilities.builder()
                .region(Region.of(db.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
                .build()
                .generateDbConnectAdminAuthToken(b -> b.hostname(db.endpoint()));
    }

    /** Stands in for a Testcontainers PostgreSQLContainer, which this build does not have: the same three getters. */
    private static final class Postgres {
        private final EmbeddedPostgres embedded;

        Postgres(EmbeddedPostgres embedded) {
            this.embedded = embedded;
        }

        String getJdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres";
        }

        String getUsername() {
            return "postgres";
        }

        String getPassword() {
            return "postgres";
        }
    }
}
