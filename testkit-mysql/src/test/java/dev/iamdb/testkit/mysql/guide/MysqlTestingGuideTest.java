package dev.iamdb.testkit.mysql.guide;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * The MySQL snippets of docs/testing.md, verbatim, in a package of their own so that they use only the public API, as
 * a user's tests do. The SQL snippet is in MysqlConnectorJTest.
 */
class MysqlTestingGuideTest {

    @Test
    void javaApi() throws SQLException {
        try (LocalIamMysqlDatabase db = LocalIamMysqlDatabase.builder()
                .user("app")                           // an IAM user with all privileges on db.database()
                .start()) {
            Identity id = db.identity();               // generated AKIA… key
            RdsUtilities rds = RdsUtilities.builder()
                    .region(Region.of(db.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
                    .build();
            String token = rds.generateAuthenticationToken(b -> b
                    .hostname(db.endpoint()).port(db.endpointPort()).username("app"));
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", token)) {
                // MySQL Connector/J: sslMode=VERIFY_IDENTITY, the testkit CA as PKCS12 trust store
            }
            try (Connection c = DriverManager.getConnection(db.mariadbJdbcUrl(), "app", token)) {
                // MariaDB Connector/J: sslMode=verify-full, serverSslCert=<CA file>
            }
        }
        // getConnection threw if the gateway refused the token.
    }
}
