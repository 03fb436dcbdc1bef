package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.AwsSystemProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The credentials route a configuration without a source takes: the first one the process is configured for,
 * and only that one. The SDK default chain would skip a broken route and sign with the next (here a
 * {@code [default]} profile with access keys), far from the cause.
 */
class BrokenCredentialRoutesTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

    @TempDir
    Path dir;
    private final Map<String, String> environment = new HashMap<>();
    private AwsSystemProperties settings;

    /** A default profile that the SDK chain would fall back to; the strict route must not. */
    @BeforeEach
    void defaultProfileOnly() throws IOException {
        Path credentials = Files.writeString(dir.resolve("credentials"),
                "[default]\naws_access_key_id = AKIADEFAULTPROFILE1\naws_secret_access_key = default-profile-secret\n");
        environment.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        environment.put("AWS_CONFIG_FILE", Files.writeString(dir.resolve("config"), "").toString());
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
    }

    @AfterEach
    void restore() {
        if (settings != null) {
            settings.close();
        }
    }

    /** Sets the SDK's system properties for {@link #environment} plus {@code more}, clearing every other AWS setting. */
    private void use(String... more) {
        for (int i = 0; i < more.length; i += 2) {
            environment.put(more[i], more[i + 1]);
        }
        settings = AwsSystemProperties.set(environment);
    }

    private static IamConfig config() {
        return IamConfig.builder().host(HOST).property("user", "admin").build();
    }

    private static AwsCredentialsIdentity resolve(IamConfig config) throws SQLException {
        try (Credentials credentials = new Credentials(config)) {
            return credentials.resolve();
        }
    }

    @Test
    void aMissingWebIdentityTokenFileFailsNamingTheRouteInsteadOfUsingTheDefaultProfile() {
        use("AWS_WEB_IDENTITY_TOKEN_FILE", dir.resolve("no-such-token").toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app");
        assertThatThrownBy(() -> resolve(config()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("web identity (token file " + dir.resolve("no-such-token"))
                .hasMessageContaining("does not exist")
                .hasMessageContaining("eks.amazonaws.com/role-arn");
    }

    @Test
    void aWebIdentityTokenFileWithoutRoleFailsNamingAwsRoleArn() throws IOException {
        use("AWS_WEB_IDENTITY_TOKEN_FILE", Files.writeString(dir.resolve("token"), "eyJ.fake.jwt").toString());
        assertThatThrownBy(() -> resolve(config()))
                .hasMessageContaining("AWS_ROLE_ARN is not")
                .hasMessageContaining("Set AWS_ROLE_ARN");
    }

    @Test
    void aNamedProfileThatDoesNotExistFailsNamingTheProfileAndFiles() {
        use("AWS_PROFILE", "prod");
        assertThatThrownBy(() -> resolve(config()))
                .hasMessageContaining("there is no profile 'prod' in")
                .hasMessageContaining(dir.resolve("credentials").toString())
                .hasMessageContaining("unset AWS_PROFILE");
    }

    @Test
    void theDefaultProfileIsUsedWhenNothingComesBeforeIt() throws SQLException {
        use();
        assertThat(resolve(config()).accessKeyId()).isEqualTo("AKIADEFAULTPROFILE1");
        try (Credentials credentials = new Credentials(config())) {
            assertThat(credentials.source()).isEqualTo("profile 'default' (access keys)");
        }
    }

    @Test
    void aRegionOnlyDefaultProfileIsSkippedAndWithNothingElseTheFailureSaysWhatIsMissing() throws IOException {
        Files.writeString(dir.resolve("credentials"), "");
        Files.writeString(dir.resolve("config"), "[default]\nregion = us-east-1\n");
        use();
        assertThatThrownBy(() -> resolve(config()))
                .hasMessageContaining("AWS_EC2_METADATA_DISABLED")
                .hasMessageContaining("no AWS_ACCESS_KEY_ID, no AWS_WEB_IDENTITY_TOKEN_FILE");
    }

    @Test
    void anAccessKeyWithoutSecretFailsInsteadOfFallingThrough() {
        use("AWS_ACCESS_KEY_ID", "AKIAONLYTHEKEYID0001");
        assertThatThrownBy(() -> resolve(config()))
                .hasMessageContaining("system properties aws.accessKeyId/aws.secretAccessKey")
                .hasMessageContaining("Set aws.secretAccessKey");
    }

    @Test
    void blankSettingsCountAsUnsetAsTheSdkTreatsThem() throws SQLException {
        use("AWS_ACCESS_KEY_ID", " ", "AWS_WEB_IDENTITY_TOKEN_FILE", "", "AWS_PROFILE", "  ");
        assertThat(resolve(config()).accessKeyId()).isEqualTo("AKIADEFAULTPROFILE1");
    }

    @Test
    void theContainerEndpointIsNamedWithoutItsPathOrQuery() throws IOException {
        Files.writeString(dir.resolve("credentials"), "");
        use("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/v2/credentials/3f2a-task-guid?token=abc");
        try (Credentials credentials = new Credentials(config())) {
            assertThat(credentials.source()).isEqualTo(
                    "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI at http://127.0.0.1:9)");
            assertThatThrownBy(credentials::resolve).hasMessageNotContaining("3f2a-task-guid").hasMessageNotContaining("abc");
        }
    }

    @Test
    void aMetadataSwitchThatIsNotABooleanIsNamed() throws IOException {
        Files.writeString(dir.resolve("credentials"), "");
        use("AWS_EC2_METADATA_DISABLED", "1");
        assertThatThrownBy(() -> resolve(config()))
                .hasMessageContaining("AWS_EC2_METADATA_DISABLED (or aws.disableEc2Metadata) is '1', not true or false");
    }

    @Test
    void theDescriptionNamesTheSourceAndKeyPrefixButNoSecret() throws SQLException {
        use("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEKEY000001", "AWS_SECRET_ACCESS_KEY", "the-secret-key",
                "AWS_SESSION_TOKEN", "the-session-token");
        try (Credentials credentials = new Credentials(config())) {
            String described = credentials.describe(credentials.resolve());
            assertThat(described).startsWith("system properties aws.accessKeyId/aws.secretAccessKey, access key ASIA…")
                    .doesNotContain("EXAMPLEKEY").doesNotContain("the-secret-key").doesNotContain("the-session-token");
        }
    }

    @Test
    void assumeRoleSettingsNeedARoleAndAValidArn() {
        assertThatThrownBy(() -> IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsExternalId", "shared-id").build())
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining("awsExternalId applies only to an assumed role: set awsRoleArn");
        assertThatThrownBy(() -> IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "app-role").build())
                .hasMessageContaining("Invalid value 'app-role' for property awsRoleArn: expected a role ARN");
        for (String bad : List.of("arn:aws-:iam::123456789012:role/app", "arn:aws:iam::123456789012:role//app",
                "arn:aws:iam::123456789012:role/", "arn:aws:iam::12345678901:role/app")) {
            assertThatThrownBy(() -> IamConfig.builder().host(HOST).property("user", "admin").property("awsRoleArn", bad).build())
                    .as(bad).isInstanceOf(IamConfigException.class);
        }
        assertThat(IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "arn:aws-us-gov:iam::123456789012:role/teams/app").build().assumeRole().roleArn())
                .isEqualTo("arn:aws-us-gov:iam::123456789012:role/teams/app");
        assertThatThrownBy(() -> IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "arn:aws:iam::123456789012:role/app").property("awsExternalId", "Acme Shared#Secret").build())
                .hasMessageContaining("Invalid value for property awsExternalId (not shown: 18 characters)")
                .hasMessageNotContaining("Acme");
        assertThatThrownBy(() -> IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "arn:aws:iam::123456789012:role/app").property("awsRoleDurationSeconds", 600).build())
                .hasMessageContaining("expected a whole number from 900 to 43200");
    }

    @Test
    void aSessionTokenLoginAssumingARoleTakesTheRegionOfItsStsEndpoint() {
        IamConfig config = IamConfig.builder().url("jdbc:mysql://db.example.internal:3306/app").property("user", "app")
                .property("iamLogin", "session-token").property("awsRoleArn", "arn:aws:iam::123456789012:role/app")
                .property("iamRegion", "eu-west-1").build();
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:mysql://db.example.internal:3306/app").property("user", "app")
                .property("iamLogin", "session-token").property("iamRegion", "eu-west-1").build())
                .hasMessageContaining("iamRegion does not apply with iamLogin=session-token");
    }

    @Test
    void twoRolesNeverShareCredentialsOrTokens() {
        IamConfig a = IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "arn:aws:iam::123456789012:role/a").build();
        IamConfig b = IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "arn:aws:iam::123456789012:role/b").build();
        IamConfig bWithExternalId = IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsRoleArn", "arn:aws:iam::123456789012:role/b").property("awsExternalId", "x-1").build();
        assertThat(a.credentialsKey()).isNotEqualTo(b.credentialsKey()).isNotEqualTo(config().credentialsKey());
        assertThat(b.credentialsKey()).isNotEqualTo(bWithExternalId.credentialsKey());
        assertThat(a.tokenKey()).isNotEqualTo(b.tokenKey());
        assertThat(bWithExternalId.credentialsKey().toString()).doesNotContain("x-1");
        assertThat(a.assumeRole().sessionName()).matches("iamdb[\\w+=,.@-]{0,59}");
    }
}
