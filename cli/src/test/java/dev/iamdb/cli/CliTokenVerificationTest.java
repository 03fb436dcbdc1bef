package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.Service;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tokens printed by {@code iamdb token} log in to the testkit, whose gateway checks them with its own
 * SigV4 implementation (not the AWS SDK's), over TLS with the certificate verified.
 */
class CliTokenVerificationTest {
    private static final Identity BASIC = Identity.of("AKIACLIEXAMPLE000001", "cli-secret", "arn:aws:iam::123456789012:role/cli");
    private static final Identity SESSION = Identity.withSessionToken("ASIACLIEXAMPLE000002", "cli-session-secret",
            "FwoGZXIvYXdzEJr//session+token=", "arn:aws:iam::123456789012:role/cli-session");
    private static final String PRIVATE_LINK = "abcdefghijklmnopqrstuvwxyz.dsql-ab12.us-east-1.on.aws";
    private static final String CHINA = "mydb.c0abcdefghij.rds.cn-north-1.amazonaws.com.cn";

    private static LocalIamDatabase dsql;
    private static LocalIamDatabase rds;

    @RegisterExtension
    final FakeAwsCredentials aws = new FakeAwsCredentials();

    @BeforeAll
    static void start() {
        dsql = LocalIamDatabase.builder().endpoint(PRIVATE_LINK).region("us-east-1").identities(BASIC, SESSION).role("app").start();
        rds = LocalIamDatabase.builder().service(Service.RDS).endpoint(CHINA).region("cn-north-1").identities(BASIC, SESSION)
                .role("app_user").start();
        try {
            dsql.grant("app", SESSION.principalArn());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        dsql.close();
        rds.close();
    }

    @Test
    void dsqlAdminAndCustomRoleThroughPrivateLinkName() throws SQLException {
        FakeAwsCredentials.use(BASIC.accessKeyId(), BASIC.secretAccessKey(), null);
        assertThat(login(dsql, "admin", token("--host", PRIVATE_LINK, "--user", "admin"))).isEqualTo("admin");
        assertThat(login(dsql, "app", token("--host", PRIVATE_LINK, "--user", "app"))).isEqualTo("app");
    }

    @Test
    void dsqlOneHourLifetimeAndSessionCredentials() throws SQLException {
        FakeAwsCredentials.use(SESSION.accessKeyId(), SESSION.secretAccessKey(), SESSION.sessionToken());
        String token = token("--host", PRIVATE_LINK, "--user", "app", "--lifetime", "3600");
        assertThat(token).contains("X-Amz-Expires=3600", "X-Amz-Security-Token=");
        assertThat(login(dsql, "app", token)).isEqualTo("app");
    }

    @Test
    void rdsInChinaWithAndWithoutSessionCredentials() throws SQLException {
        FakeAwsCredentials.use(BASIC.accessKeyId(), BASIC.secretAccessKey(), null);
        assertThat(login(rds, "app_user", token("--host", CHINA, "--port", "5432", "--user", "app_user"))).isEqualTo("app_user");
        FakeAwsCredentials.use(SESSION.accessKeyId(), SESSION.secretAccessKey(), SESSION.sessionToken());
        assertThat(login(rds, "app_user", token("--host", CHINA, "--user", "app_user"))).isEqualTo("app_user");
        assertThat(rds.decisions()).extracting(AuthDecision::accepted).containsOnly(true);
    }

    @Test
    void aTokenForAnotherUserIsRejected() {
        FakeAwsCredentials.use(BASIC.accessKeyId(), BASIC.secretAccessKey(), null);
        String forAdmin = token("--host", PRIVATE_LINK, "--user", "admin");
        dsql.clearDecisions();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> login(dsql, "app", forAdmin))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28000");
        assertThat(dsql.decisions()).singleElement().extracting(AuthDecision::accepted).isEqualTo(false);
    }

    private static String token(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "token";
        System.arraycopy(options, 0, args, 1, options.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Cli(Clock.systemUTC()).run(args, InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as("stderr: %s", err).isZero();
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    private static String login(LocalIamDatabase db, String user, String token) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", token);
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", db.caCertificate().toString());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres", p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
