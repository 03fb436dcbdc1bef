package dev.iamdb.testkit.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AwsSystemProperties;
import dev.iamdb.testkit.LocalAws;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;

/** The local AWS snippet of docs/testing.md, verbatim, through the public API only. */
class LocalAwsGuideTest {

    @RegisterExtension
    static LocalIamDatabaseExtension local = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().role("app"),
            LocalAws.builder().role("app-role"));

    @Test
    void webIdentity(LocalIamDatabase db, LocalAws aws) throws Exception {
        db.grant("app", aws.roleArn("app-role"));            // AWS IAM GRANT app TO 'arn:aws:iam::…:role/app-role'
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "app-role");
             DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            // the default chain finds AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (as aws.* system properties)
            // and exchanges the token at the local STS for a session of role app-role
            String token = DsqlUtilities.builder().region(Region.of(db.region())).credentialsProvider(chain).build()
                    .generateDbConnectAuthToken(b -> b.hostname(db.endpoint()));
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "app", token);
                 ResultSet rs = c.createStatement().executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("app");
            }
        }
    }
}
