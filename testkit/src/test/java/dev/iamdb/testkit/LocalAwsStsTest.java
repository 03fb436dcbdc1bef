package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.ExpiredTokenException;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;
import software.amazon.awssdk.services.sts.model.StsException;

/** The local STS, called through the SDK's own {@code StsClient}: what it accepts and how it refuses. */
class LocalAwsStsTest {

    private static LocalAws aws;

    @BeforeAll
    static void start() {
        aws = LocalAws.builder()
                .role("app")
                .role(LocalAws.Role.named("partner").withExternalId("ext-123"))
                .role(LocalAws.Role.named("long").withMaxSessionDuration(Duration.ofHours(2)))
                .role(LocalAws.Role.named("no-oidc").withWebIdentityTrust(false))
                .start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    static StsClient sts(LocalAws aws, AwsCredentials credentials) {
        return StsClient.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).build();
    }

    private static AwsCredentials userKeys() {
        return AwsBasicCredentials.create(aws.user().accessKeyId(), aws.user().secretAccessKey());
    }

    private static AssumeRoleResponse assumeRole(AwsCredentials as, Consumer<AssumeRoleRequest.Builder> request) {
        try (StsClient sts = sts(aws, as)) {
            return sts.assumeRole(request);
        }
    }

    private static StsException refusal(Runnable call) {
        try {
            call.run();
        } catch (StsException e) {
            return e;
        }
        throw new AssertionError("expected an StsException");
    }

    @Test
    void assumeRoleIssuesASessionOfTheRoleThatGetCallerIdentityNamesAsAssumedRole() {
        AssumeRoleResponse r = assumeRole(userKeys(), b -> b.roleArn(aws.roleArn("app")).roleSessionName("batch-1"));

        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/app/batch-1");
        Credentials c = r.credentials();
        assertThat(c.accessKeyId()).startsWith("ASIA");
        assertThat(c.expiration()).isBetween(aws.clock().instant().plusSeconds(3590), aws.clock().instant().plusSeconds(3600));
        assertThat(aws.issued()).anySatisfy(id -> {
            assertThat(id.accessKeyId()).isEqualTo(c.accessKeyId());
            assertThat(id.principalArn()).isEqualTo("arn:aws:iam::123456789012:role/app");
        });
        try (StsClient sts = sts(aws, AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            assertThat(me.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/app/batch-1");
            assertThat(me.account()).isEqualTo("123456789012");
        }
        try (StsClient sts = sts(aws, userKeys())) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::123456789012:user/iamdb-local-user");
        }
    }

    @Test
    void aWrongSecretKeyIsRefusedAsSignatureDoesNotMatch() {
        AwsCredentials wrong = AwsBasicCredentials.create(aws.user().accessKeyId(), "not-the-secret-key");
        StsException e = refusal(() -> assumeRole(wrong, b -> b.roleArn(aws.roleArn("app")).roleSessionName("s1")));

        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
        assertThat(e.getMessage()).doesNotContain("not-the-secret-key");
    }

    @Test
    void anUnknownKeyOrAWrongSessionTokenIsRefusedAsInvalidClientTokenId() {
        AwsCredentials unknown = AwsBasicCredentials.create("AKIAUNKNOWNUNKNOWN00", "secret");
        assertThat(refusal(() -> assumeRole(unknown, b -> b.roleArn(aws.roleArn("app")).roleSessionName("s1")))
                .awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");

        Credentials c = assumeRole(userKeys(), b -> b.roleArn(aws.roleArn("app")).roleSessionName("s1")).credentials();
        AwsCredentials badToken = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), "another-token");
        try (StsClient sts = sts(aws, badToken)) {
            assertThat(refusal(sts::getCallerIdentity).awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
        }
    }

    @Test
    void theExternalIdIsRequiredWhenTheRoleSaysSo() {
        String arn = aws.roleArn("partner");
        StsException missing = refusal(() -> assumeRole(userKeys(), b -> b.roleArn(arn).roleSessionName("s1")));
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(missing.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::123456789012:user/iamdb-local-user"
                + " is not authorized to perform: sts:AssumeRole on resource: " + arn);
        assertThat(refusal(() -> assumeRole(userKeys(), b -> b.roleArn(arn).roleSessionName("s1").externalId("ext-999")))
                .awsErrorDetails().errorCode()).isEqualTo("AccessDenied");

        assertThat(assumeRole(userKeys(), b -> b.roleArn(arn).roleSessionName("s1").externalId("ext-123"))
                .assumedRoleUser().arn()).endsWith(":assumed-role/partner/s1");
    }

    @Test
    void theDurationMustLieBetween900SecondsAndTheRolesMaximum() {
        StsException tooShort = refusal(() -> assumeRole(userKeys(),
                b -> b.roleArn(aws.roleArn("app")).roleSessionName("s1").durationSeconds(899)));
        assertThat(tooShort.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
        assertThat(tooShort.awsErrorDetails().errorMessage()).contains("greater than or equal to 900");

        StsException tooLong = refusal(() -> assumeRole(userKeys(),
                b -> b.roleArn(aws.roleArn("app")).roleSessionName("s1").durationSeconds(3601)));
        assertThat(tooLong.awsErrorDetails().errorMessage())
                .isEqualTo("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

        Credentials c = assumeRole(userKeys(), b -> b.roleArn(aws.roleArn("long")).roleSessionName("s1")
                .durationSeconds(7200)).credentials();
        assertThat(c.expiration()).isAfter(aws.clock().instant().plusSeconds(7100));
    }

    @Test
    void aChainedSessionLastsAtMostAnHour() {
        Credentials first = assumeRole(userKeys(), b -> b.roleArn(aws.roleArn("app")).roleSessionName("s1")).credentials();
        AwsCredentials session = AwsSessionCredentials.create(first.accessKeyId(), first.secretAccessKey(), first.sessionToken());
        StsException e = refusal(() -> assumeRole(session, b -> b.roleArn(aws.roleArn("long")).roleSessionName("s2")
                .durationSeconds(7200)));
        assertThat(e.awsErrorDetails().errorMessage()).contains("1 hour session limit for roles assumed by role chaining");
        assertThat(assumeRole(session, b -> b.roleArn(aws.roleArn("long")).roleSessionName("s2")).assumedRoleUser().arn())
                .endsWith(":assumed-role/long/s2");
    }

    @Test
    void aRoleSessionNameOutsideTheAllowedCharactersIsAValidationError() {
        StsException e = refusal(() -> assumeRole(userKeys(), b -> b.roleArn(aws.roleArn("app")).roleSessionName("a b")));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    }

    @Test
    void aRoleThatDoesNotExistIsAccessDenied() {
        StsException e = refusal(() -> assumeRole(userKeys(),
                b -> b.roleArn("arn:aws:iam::123456789012:role/nobody").roleSessionName("s1")));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    }

    @Test
    void webIdentityTokensAreCheckedForIssuerRoleAndExpiry() {
        ManualClock clock = new ManualClock();
        try (LocalAws local = LocalAws.builder().clock(clock).role("app").role("other")
                .role(LocalAws.Role.named("no-oidc").withWebIdentityTrust(false)).start();
             StsClient sts = sts(local, AwsBasicCredentials.create("AKIAIGNOREDIGNORED00", "ignored"))) {
            String token = local.webIdentityToken("app", Duration.ofMinutes(10));
            Consumer<AssumeRoleWithWebIdentityRequest.Builder> asApp = b -> b.roleArn(local.roleArn("app"))
                    .roleSessionName("pod").webIdentityToken(token);

            Credentials c = sts.assumeRoleWithWebIdentity(asApp).credentials();
            assertThat(local.issued()).extracting(Identity::accessKeyId).contains(c.accessKeyId());

            assertThatThrownBy(() -> sts.assumeRoleWithWebIdentity(b -> b.roleArn(local.roleArn("app"))
                    .roleSessionName("pod").webIdentityToken("eyJ.not-issued-here.sig")))
                    .isInstanceOf(InvalidIdentityTokenException.class);
            assertThat(refusal(() -> sts.assumeRoleWithWebIdentity(b -> b.roleArn(local.roleArn("other"))
                    .roleSessionName("pod").webIdentityToken(token))).awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            String untrusted = local.webIdentityToken("no-oidc", Duration.ofMinutes(10));
            assertThat(refusal(() -> sts.assumeRoleWithWebIdentity(b -> b.roleArn(local.roleArn("no-oidc"))
                    .roleSessionName("pod").webIdentityToken(untrusted))).awsErrorDetails().errorCode())
                    .isEqualTo("AccessDenied");

            clock.advance(Duration.ofMinutes(10));
            assertThatThrownBy(() -> sts.assumeRoleWithWebIdentity(asApp)).isInstanceOf(ExpiredTokenException.class)
                    .hasMessageContaining("Token expired");
        }
    }

    @Test
    void anExpiredSessionCannotCallSts() {
        // The SDK signs with the real time and STS tolerates 15 minutes of skew: start 10 minutes behind, end 5 ahead.
        ManualClock clock = new ManualClock(java.time.Instant.now().minusSeconds(600));
        try (LocalAws local = LocalAws.builder().clock(clock).role("app").start()) {
            Credentials c;
            try (StsClient sts = sts(local, AwsBasicCredentials.create(local.user().accessKeyId(),
                    local.user().secretAccessKey()))) {
                c = sts.assumeRole(b -> b.roleArn(local.roleArn("app")).roleSessionName("s1").durationSeconds(900))
                        .credentials();
            }
            clock.advance(Duration.ofSeconds(900));
            try (StsClient sts = sts(local, AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
                StsException e = refusal(sts::getCallerIdentity);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is expired");
            }
        }
    }
}
