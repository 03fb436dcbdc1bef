package dev.iamdb;

import static dev.iamdb.testing.TestkitConfigs.queryForString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Percona Server's auth_awsiam through the MySQL testkit in that mode: the MySQL user is the IAM role's name and the
 * password is the session token of that role's temporary credentials ({@code iamLogin=session-token}).
 */
class PerconaSessionTokenLoginTest {
    /** Temporary credentials of an assumed role named app, as STS would issue them. */
    static final Identity APP_SESSION = Identity.withSessionToken("ASIAPERCONASESSION01", "percona-secret-not-real",
            "FwoGZXIvYXdzEPERCONA-session-token-not-real", "arn:aws:sts::123456789012:assumed-role/app/iamdb-test");
    static LocalIamMysqlDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().identity(APP_SESSION).sessionTokenLogin(true).user("app", "reports").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static IamConfig config(String user, AwsCredentialsProvider credentials) {
        return IamConfig.builder().url(db.jdbcUrl()).property("user", user).property("iamLogin", "session-token")
                .credentialsProvider(credentials).build();
    }

    private static AwsCredentialsProvider session(Identity id) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(id.accessKeyId(), id.secretAccessKey(), id.sessionToken()));
    }

    @Test
    void theRoleLogsInWithItsSessionToken() throws SQLException {
        try (IamDataSource source = new IamDataSource(config("app", session(APP_SESSION)));
             Connection c = source.getConnection()) {
            assertThat(queryForString(c, "select current_user()")).isEqualTo("app@%");
        }
    }

    @Test
    void aUserTheRoleDoesNotNameIsRefusedWithTheChecklist() {
        try (IamDataSource source = new IamDataSource(config("reports", session(APP_SESSION)))) {
            assertThatThrownBy(source::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageContaining("auth_awsiam").hasMessageContaining("named after the IAM role")
                    .hasMessageNotContaining(APP_SESSION.sessionToken());
        }
        assertThat(db.decisions()).last().satisfies(d -> assertThat(d.reason()).contains("does not name user reports"));
    }

    @Test
    void longTermKeysHaveNoSessionTokenAndNothingIsSent() {
        int before = db.passwordsReceived();
        AwsCredentialsProvider keys = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAPERCONALONGTERM1", "not-real"));
        try (IamDataSource source = new IamDataSource(config("app", keys))) {
            assertThatThrownBy(source::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("long-term access keys");
        }
        assertThat(db.passwordsReceived()).isEqualTo(before);
    }

    @Test
    void onlyMysqlUrlsTakeIt() {
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://percona.internal:5432/app").property("user", "app")
                .property("iamLogin", "session-token").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("jdbc:mysql:");
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:mysql://percona.internal:3306/app").property("user", "app")
                .property("iamLogin", "session-token").property("iamRegion", "us-east-1").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("iamRegion does not apply");
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:mysql://percona.internal:3306/app").property("user", "app")
                .property("iamLogin", "password").build())
                .isInstanceOf(IamConfigException.class).hasMessageContaining("token or session-token");
        assertThat(IamConfig.builder().url("jdbc:mysql://percona.internal:3306/app").property("user", "app")
                .property("iamLogin", "session-token").build().toString()).contains("login=session-token", "percona.internal");
    }
}
