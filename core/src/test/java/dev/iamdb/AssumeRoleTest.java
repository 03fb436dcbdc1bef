package dev.iamdb;

import static dev.iamdb.testing.TestkitConfigs.currentUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.docs.AssumeRoleSetup;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.AwsSystemProperties;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalAws;
import dev.iamdb.testkit.LocalIamDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code awsRoleArn}: the credentials the process would otherwise use (here an IAM user's keys in the environment)
 * only call the local STS's AssumeRole, which checks their signature and the role's external id; the role's session
 * credentials sign, and the gateway lets only that role log in.
 */
class AssumeRoleTest {
    private static LocalAws aws;
    private static LocalIamDatabase db;
    private AwsSystemProperties environment;

    @BeforeAll
    static void start() throws SQLException {
        aws = LocalAws.builder().role(LocalAws.Role.named("orders-db").withExternalId("orders-7f3a"))
                .role("reports-db").start();
        db = LocalIamDatabase.builder().aws(aws).role("orders", "reports").start();
        for (String[] grant : new String[][] {{"orders", "orders-db"}, {"reports", "reports-db"}}) {
            db.revoke(grant[0], db.identity().principalArn());
            db.grant(grant[0], aws.roleArn(grant[1]));
        }
    }

    @AfterAll
    static void stop() {
        db.close();
        aws.close();
    }

    /** The source: an IAM user's long-term keys in the environment, which the gateway does not let log in. */
    @BeforeEach
    void userKeysInTheEnvironment() {
        Identity user = aws.user();
        environment = AwsSystemProperties.set(Map.of("AWS_ACCESS_KEY_ID", user.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", user.secretAccessKey(), "AWS_ENDPOINT_URL_STS", aws.endpoint().toString(),
                "AWS_EC2_METADATA_DISABLED", "true"));
        db.clearDecisions();
    }

    @AfterEach
    void restore() {
        environment.close();
    }

    @Test
    void theAssumedRoleSignsAndTheGatewaySeesThatRole() throws SQLException {
        try (IamPooledDataSource pool = AssumeRoleSetup.ordersAsRole(db.iamdbJdbcUrl());
             Connection c = pool.getConnection()) {
            assertThat(currentUser(c)).isEqualTo("orders");
        }
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(principalOf(d)).isEqualTo("arn:aws:iam::123456789012:role/orders-db");
        });
    }

    @Test
    void aWrongExternalIdFailsNamingTheRoleItsSourceAndWhatToCheck() {
        try (IamDataSource ds = new IamDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "orders")
                .property("awsRoleArn", aws.roleArn("orders-db")).property("awsExternalId", "not-the-one").build())) {
            assertThatThrownBy(ds::getConnection)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Could not resolve AWS credentials from role " + aws.roleArn("orders-db")
                        + " assumed with system properties aws.accessKeyId/aws.secretAccessKey")
                .hasMessageContaining("is not authorized to perform: sts:AssumeRole")
                .hasMessageContaining("requires the external id given in awsExternalId")
                .hasMessageNotContaining(aws.user().secretAccessKey());
        }
        assertThat(db.decisions()).as("nothing reached the database").isEmpty();
    }

    @Test
    void twoDataSourcesAssumingTwoRolesNeverShareCredentialsOrTokens() throws SQLException {
        try (IamPooledDataSource orders = AssumeRoleSetup.ordersAsRole(db.iamdbJdbcUrl());
             IamPooledDataSource reports = new IamPooledDataSource(IamConfig.builder().url(db.iamdbJdbcUrl())
                     .property("user", "reports").property("awsRoleArn", aws.roleArn("reports-db"))
                     .property("pool.minimumIdle", 0).build());
             Connection o = orders.getConnection();
             Connection r = reports.getConnection()) {
            assertThat(currentUser(o)).isEqualTo("orders");
            assertThat(currentUser(r)).isEqualTo("reports");
        }
        assertThat(db.decisions()).extracting(AssumeRoleTest::principalOf).containsOnly(
                aws.roleArn("orders-db"), aws.roleArn("reports-db")).contains(aws.roleArn("orders-db"), aws.roleArn("reports-db"));
    }

    @Test
    void theJdbcUrlDriverAssumesTheRoleToo() throws SQLException {
        String url = db.iamdbJdbcUrl() + "&awsRoleArn=" + aws.roleArn("reports-db");
        try (Connection c = java.sql.DriverManager.getConnection(url, "reports", null)) {
            assertThat(currentUser(c)).isEqualTo("reports");
        }
        assertThat(db.decisions()).extracting(AssumeRoleTest::principalOf).containsOnly(aws.roleArn("reports-db"));
    }

    /** The guide's role_arn profile as written, with the keys of its source profile beside it. */
    @Test
    void theGuidesRoleArnProfileAssumesTheRoleWithItsExternalId(@TempDir Path dir) throws IOException, SQLException {
        Path config = Files.copy(Path.of("src/test/resources/docs/role-profile.ini"), dir.resolve("config"));
        Path credentials = Files.writeString(dir.resolve("credentials"), "[orders-keys]\naws_access_key_id = "
                + aws.user().accessKeyId() + "\naws_secret_access_key = " + aws.user().secretAccessKey() + "\n");
        environment.close();
        environment = AwsSystemProperties.set(Map.of("AWS_PROFILE", "orders", "AWS_CONFIG_FILE", config.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_ENDPOINT_URL_STS", aws.endpoint().toString(),
                "AWS_REGION", aws.region(), "AWS_EC2_METADATA_DISABLED", "true"));
        try (IamDataSource ds = new IamDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", "orders").build());
             Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).isEqualTo("orders");
        }
        assertThat(db.decisions()).extracting(AssumeRoleTest::principalOf).containsOnly(aws.roleArn("orders-db"));
    }

    private static String principalOf(AuthDecision d) {
        return aws.issued().stream().filter(id -> id.accessKeyId().equals(d.accessKeyId())).map(Identity::principalArn)
                .findFirst().orElse("not issued by the local AWS: " + d.accessKeyId());
    }
}
