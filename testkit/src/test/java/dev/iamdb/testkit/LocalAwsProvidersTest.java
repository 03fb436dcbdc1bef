package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.model.RoleCredentials;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The local instance metadata service, container endpoint and Identity Center portal: raw HTTP for what they refuse,
 * the SDK's own providers and clients for what they hand out.
 */
class LocalAwsProvidersTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ManualClock clock;
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        clock = ManualClock.runningFromNow();
        aws = LocalAws.builder().clock(clock).role("app").role("other").start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(aws.endpoint() + path));
    }

    private static void assertIssuedFor(AwsCredentials credentials, String role) {
        assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
        assertThat(aws.issued()).filteredOn(id -> id.accessKeyId().equals(credentials.accessKeyId()))
                .singleElement().satisfies(id -> {
                    assertThat(id.principalArn()).isEqualTo(aws.roleArn(role));
                    assertThat(id.sessionToken()).isEqualTo(((AwsSessionCredentials) credentials).sessionToken());
                });
    }

    @Test
    void instanceMetadataRefusesRequestsWithoutASessionTokenAndTokenRequestsWithoutATtl() throws Exception {
        aws.environment(LocalAws.Route.INSTANCE_METADATA, "app");
        assertThat(send(at("/latest/meta-data/iam/security-credentials/")).statusCode()).isEqualTo(401);
        assertThat(send(at("/latest/api/token").PUT(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(400);
        assertThat(send(at("/latest/api/token").PUT(HttpRequest.BodyPublishers.noBody())
                .header("x-aws-ec2-metadata-token-ttl-seconds", "21601")).statusCode()).isEqualTo(400);
        assertThat(send(at("/latest/meta-data/iam/security-credentials/").header("x-aws-ec2-metadata-token", "forged"))
                .statusCode()).isEqualTo(401);

        HttpResponse<String> token = send(at("/latest/api/token").PUT(HttpRequest.BodyPublishers.noBody())
                .header("x-aws-ec2-metadata-token-ttl-seconds", "60"));
        assertThat(token.statusCode()).isEqualTo(200);
        HttpResponse<String> roles = send(at("/latest/meta-data/iam/security-credentials/")
                .header("x-aws-ec2-metadata-token", token.body()));
        assertThat(roles.body()).isEqualTo("app");
        HttpResponse<String> credentials = send(at("/latest/meta-data/iam/security-credentials/app")
                .header("x-aws-ec2-metadata-token", token.body()));
        assertThat(credentials.body()).contains("\"Code\" : \"Success\"", "\"Type\" : \"AWS-HMAC\"", "\"AccessKeyId\" : \"ASIA",
                "\"SecretAccessKey\"", "\"Token\"", "\"Expiration\"", "\"LastUpdated\"");
        assertThat(send(at("/latest/meta-data/iam/security-credentials/other")
                .header("x-aws-ec2-metadata-token", token.body())).statusCode()).isEqualTo(404);

        clock.advance(Duration.ofSeconds(61));
        assertThat(send(at("/latest/meta-data/iam/security-credentials/")
                .header("x-aws-ec2-metadata-token", token.body())).statusCode()).isEqualTo(401);
    }

    @Test
    void instanceMetadataAnswersV1RequestsOnlyWhenAllowed() throws Exception {
        try (LocalAws v1 = LocalAws.builder().role("app").imdsV1(true).start()) {
            v1.environment(LocalAws.Route.INSTANCE_METADATA, "app");
            HttpResponse<String> roles = HTTP.send(HttpRequest.newBuilder(URI.create(v1.endpoint()
                    + "/latest/meta-data/iam/security-credentials/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(roles.statusCode()).isEqualTo(200);
            assertThat(roles.body()).isEqualTo("app");
        }
    }

    @Test
    void theSdksInstanceProfileProviderGetsTheInstanceRolesCredentials() {
        aws.environment(LocalAws.Route.INSTANCE_METADATA, "app");
        try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder()
                .endpoint(aws.endpoint().toString()).build()) {
            assertIssuedFor(provider.resolveCredentials(), "app");
        }
    }

    @Test
    void podIdentityChecksTheAuthorizationToken() throws Exception {
        assertThat(send(at("/v1/credentials")).statusCode()).isEqualTo(400);
        HttpResponse<String> forged = send(at("/v1/credentials").header("Authorization", "forged-token"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(aws.issued()).noneMatch(id -> forged.body().contains(id.accessKeyId()));
        String ecsUri = aws.environment(LocalAws.Route.CONTAINER, "app").get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        String taskId = ecsUri.substring(ecsUri.lastIndexOf('/') + 1);
        assertThat(send(at("/v1/credentials").header("Authorization", taskId)).statusCode())
                .as("an ECS task id is no pod identity token").isEqualTo(401);

        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.POD_IDENTITY, "other");
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertIssuedFor(provider.resolveCredentials(), "other");
        }
    }

    @Test
    void anEcsTaskGetsItsRoleFromTheFullUriAndAnUnknownUriGetsNothing() throws Exception {
        assertThat(send(at("/ecs/credentials/not-a-task")).statusCode()).isEqualTo(404);
        Map<String, String> env = aws.environment(LocalAws.Route.CONTAINER, "app");
        assertThat(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")).startsWith("http://127.0.0.1:");
        try (AwsSystemProperties route = AwsSystemProperties.set(env);
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
            assertIssuedFor(provider.resolveCredentials(), "app");
        }
    }

    @Test
    void webIdentityFromTheRoutesSystemProperties() {
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "app");
             WebIdentityTokenFileCredentialsProvider provider = WebIdentityTokenFileCredentialsProvider.create()) {
            assertIssuedFor(provider.resolveCredentials(), "app");
        }
    }

    @Test
    void everyRoutesStsCallsStayLocalSoGetCallerIdentityNamesTheRoutesSession() {
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.POD_IDENTITY, "app");
             ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build();
             StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(provider)
                     .build()) {
            assertThat(sts.getCallerIdentity().arn()).startsWith("arn:aws:sts::123456789012:assumed-role/app/eks-");
        }
        try (AwsSystemProperties user = AwsSystemProperties.set(aws.userEnvironment());
             StsClient sts = StsClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            // Region, endpoint and keys all come from the system properties the user environment maps to.
            assertThat(sts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::123456789012:user/iamdb-local-user");
        }
    }

    @Test
    void thePortalChecksTheAccessTokenAndItsExpiry() throws Exception {
        String token = aws.ssoLogin("app", Duration.ofMinutes(5));
        try (SsoClient sso = SsoClient.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(
                        software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create()).build()) {
            RoleCredentials c = sso.getRoleCredentials(b -> b.accessToken(token).accountId(aws.accountId()).roleName("app"))
                    .roleCredentials();
            assertIssuedFor(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()), "app");
            assertThat(Instant.ofEpochMilli(c.expiration())).isAfter(clock.instant());

            HttpResponse<String> otherRole = send(at("/federation/credentials?role_name=other&account_id="
                    + aws.accountId()).header("x-amz-sso_bearer_token", token));
            assertThat(otherRole.statusCode()).isEqualTo(403);

            assertThatThrownBy(() -> sso.getRoleCredentials(b -> b.accessToken("forged").accountId(aws.accountId())
                    .roleName("app"))).isInstanceOf(UnauthorizedException.class);
            clock.advance(Duration.ofMinutes(5));
            HttpResponse<String> expired = send(at("/federation/credentials?role_name=app&account_id="
                    + aws.accountId()).header("x-amz-sso_bearer_token", token));
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(expired.headers().firstValue("x-amzn-ErrorType")).hasValue("UnauthorizedException");
            assertThat(expired.body()).contains("Session token not found or invalid");
        }
    }

    private static String jsonField(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json.replaceAll("\"(accessToken|refreshToken|clientSecret)\":\"[^\"]+\"",
                "\"$1\":…")).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> refresh(String clientId, String clientSecret, String refreshToken) throws Exception {
        return send(at("/token").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"clientId\":\"" + clientId + "\",\"clientSecret\":\"" + clientSecret
                        + "\",\"grantType\":\"refresh_token\",\"refreshToken\":\"" + refreshToken + "\"}")));
    }

    /** SSO OIDC CreateToken, as the SDK calls it for an sso_session login near its end: until the session ends. */
    @Test
    void anSsoSessionLoginIsRefreshedWithItsRefreshTokenUntilTheSessionEnds() throws Exception {
        aws.ssoLogin("app", Duration.ofMinutes(-1), Duration.ofHours(1));
        String cached = java.nio.file.Files.readString(aws.home().resolve(".aws/sso/cache/"
                + LocalAws.sha1Hex(LocalAws.SSO_SESSION_NAME) + ".json"));
        String clientId = jsonField(cached, "clientId");
        String clientSecret = jsonField(cached, "clientSecret");

        HttpResponse<String> refreshed = refresh(clientId, clientSecret, jsonField(cached, "refreshToken"));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(refreshed.body()).contains("\"expiresIn\":3600", "\"tokenType\":\"Bearer\"");
        assertThat(send(at("/federation/credentials?role_name=app&account_id=" + aws.accountId())
                .header("x-amz-sso_bearer_token", jsonField(refreshed.body(), "accessToken"))).statusCode()).isEqualTo(200);

        HttpResponse<String> spent = refresh(clientId, clientSecret, jsonField(cached, "refreshToken"));
        assertThat(spent.statusCode()).isEqualTo(400);
        assertThat(spent.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidGrantException");
        assertThat(refresh(clientId, "not-the-secret", jsonField(refreshed.body(), "refreshToken")).statusCode())
                .isEqualTo(400);

        clock.advance(Duration.ofHours(1));
        HttpResponse<String> ended = refresh(clientId, clientSecret, jsonField(refreshed.body(), "refreshToken"));
        assertThat(ended.statusCode()).isEqualTo(400);
        assertThat(ended.body()).contains("invalid_grant");
        assertThat(java.nio.file.Files.readString(aws.home().resolve(".aws/sso/cache/"
                + LocalAws.sha1Hex(LocalAws.SSO_START_URL) + ".json"))).as("a legacy login cannot refresh")
                .doesNotContain("refreshToken");
    }

    @Test
    void anExpiredSsoLoginIsWrittenWithItsExpiryInThePast() throws Exception {
        String token = aws.ssoLogin("app", Duration.ofHours(-1));
        String cached = java.nio.file.Files.readString(aws.home().resolve(".aws/sso/cache/"
                + LocalAws.sha1Hex(LocalAws.SSO_SESSION_NAME) + ".json"));
        java.util.regex.Matcher expiresAt = java.util.regex.Pattern.compile("\"expiresAt\":\"([^\"]+)\"").matcher(cached);
        assertThat(expiresAt.find()).isTrue();
        assertThat(Instant.parse(expiresAt.group(1))).isBefore(Instant.now());
        assertThat(send(at("/federation/credentials?role_name=app&account_id=" + aws.accountId())
                .header("x-amz-sso_bearer_token", token)).statusCode()).isEqualTo(401);
    }

    @Test
    void theSsoCacheIsWrittenUnderTheSha1OfTheStartUrlAndOfTheSessionName() {
        aws.ssoLogin("app", Duration.ofHours(1));
        // Names computed independently: SHA-1 of the start URL and of the session name, as the SDK and the CLI do.
        assertThat(aws.home().resolve(".aws/sso/cache/" + LocalAws.sha1Hex(LocalAws.SSO_START_URL) + ".json")).exists();
        assertThat(aws.home().resolve(".aws/sso/cache/" + LocalAws.sha1Hex("iamdb-local") + ".json"))
                .content().contains("\"accessToken\"", "\"expiresAt\"", "\"startUrl\"", "\"region\"");
    }

    @Test
    void theGatewayRefusesASessionThatExpiredByTheClockInAwssWords() throws Exception {
        ManualClock local = new ManualClock();
        try (LocalAws expiring = LocalAws.builder().clock(local).role("app").start()) {
            expiring.environment(LocalAws.Route.INSTANCE_METADATA, "app");
            AwsCredentials c;
            try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder()
                    .endpoint(expiring.endpoint().toString()).build()) {
                c = provider.resolveCredentials();
            }
            Identity id = expiring.issued().get(0);
            String endpoint = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
            TokenVerifier verifier = new TokenVerifier(Service.DSQL, endpoint, 5432, "us-east-1", java.util.List.of(),
                    expiring, local);
            assertThat(verifier.verify(Tokens.presign(id).host(endpoint).at(local.instant()).sign(), "admin")
                    .principalArn()).isEqualTo(expiring.roleArn("app"));
            assertThat(c.accessKeyId()).isEqualTo(id.accessKeyId());

            local.advance(LocalAws.PROVIDED_SESSION);
            assertThatThrownBy(() -> verifier.verify(Tokens.presign(id).host(endpoint).at(local.instant()).sign(), "admin"))
                    .isInstanceOf(LoginRejected.class)
                    .hasMessage("The security token included in the request is expired");
        }
    }
}
