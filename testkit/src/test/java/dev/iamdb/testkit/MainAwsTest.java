package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;

/** {@code iamdb-local.jar --aws ROUTE}: the environment in its JSON line gets the SDK credentials the gateway accepts. */
class MainAwsTest {

    @Test
    void theEnvironmentPrintedForARouteGivesCredentialsThatLogIn() throws Exception {
        try (Main.Running running = Main.Running.start(new String[] {"--aws", "web-identity", "--role", "app"}, d -> { })) {
            String json = running.json();
            assertThat(json).contains("\"route\":\"web-identity\"", "\"roleArn\":\"" + Identity.DEFAULT_PRINCIPAL_ARN + "\"",
                    "\"iamdbJdbcUrl\":\"jdbc:iamdb:postgresql://127.0.0.1:");
            Map<String, String> env = new LinkedHashMap<>();
            Matcher m = Pattern.compile("\"(AWS_[A-Z_]+)\":\"([^\"]*)\"").matcher(json);
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
            assertThat(env).containsKeys("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ENDPOINT_URL_STS", "AWS_REGION");

            LocalIamDatabase db = running.db();
            try (AwsSystemProperties route = AwsSystemProperties.set(env);
                 WebIdentityTokenFileCredentialsProvider provider = WebIdentityTokenFileCredentialsProvider.create()) {
                String token = DsqlUtilities.builder().region(Region.of(db.region())).credentialsProvider(provider).build()
                        .generateDbConnectAuthToken(b -> b.hostname(db.endpoint()));
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props("app", token))) {
                    assertThat(query(c, "select current_user")).isEqualTo("app");
                }
            }
            assertThat(db.decisions()).singleElement().satisfies(d -> {
                assertThat(d.accepted()).isTrue();
                assertThat(d.accessKeyId()).startsWith("ASIA");
            });
        }
    }

    @Test
    void anUnknownRouteIsRefusedWithTheRoutesThatExist() {
        assertThatThrownBy(() -> Main.awsRoute(new String[] {"--aws", "lambda"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--aws: 'lambda' is not a route; expected one of [web-identity, pod-identity, container,"
                        + " instance-metadata, sso-session, sso-legacy, role-profile]");
    }
}
