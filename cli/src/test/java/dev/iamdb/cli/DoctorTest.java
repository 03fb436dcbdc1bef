package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AwsSystemProperties;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalAws;
import dev.iamdb.testkit.LocalIamDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iamdb doctor} against the local Aurora DSQL and the local AWS: setups that work, and one broken setup per
 * step, each failing at its own step with its own advice, later steps skipped, exit status 1, and no secret printed.
 */
class DoctorTest {
    private static final String ENDPOINT = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    /** Granted the role "app" (the testkit grants the roles it creates to its first identity). */
    private static final Identity OWNER = Identity.of("AKIADOCTOREXAMPLE001", "doctor-owner-secret",
            "arn:aws:iam::123456789012:role/doctor");
    /** Known to the cluster, but granted no role. */
    private static final Identity STRANGER = Identity.withSessionToken("ASIADOCTOREXAMPLE002", "doctor-stranger-secret",
            "FwoGZXIvYXdzEDoctor//session+token=", "arn:aws:iam::123456789012:role/stranger");

    private static LocalAws aws;
    private static LocalIamDatabase db;

    @RegisterExtension
    final FakeAwsCredentials fakeCredentials = new FakeAwsCredentials();

    @BeforeAll
    static void start() throws SQLException {
        aws = LocalAws.builder().role("doctor").start();
        db = LocalIamDatabase.builder().endpoint(ENDPOINT).identities(OWNER, STRANGER).aws(aws).role("app").start();
        db.grant("app", aws.roleArn("doctor"));
    }

    @AfterAll
    static void stop() {
        db.close();
        aws.close();
    }

    /** FakeAwsCredentials points STS at a closed loopback port and turns instance metadata off: no test reaches AWS. */
    @BeforeEach
    void ownersKeys() {
        FakeAwsCredentials.use(OWNER.accessKeyId(), OWNER.secretAccessKey(), null);
    }

    @Test
    void everyStepPasses() {
        DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "app");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.steps().keySet()).containsExactlyElementsOf(DoctorRun.ALL_STEPS);
        assertThat(run.step("configuration").detail()).contains("service dsql", "region us-east-1", "signed host " + ENDPOINT,
                "action DbConnect", "user app", "127.0.0.1:" + db.port());
        assertThat(run.step("credentials").detail()).contains("access key AKIA…", "STS is not reachable");
        assertThat(run.step("token").detail()).contains("signed for " + ENDPOINT, "region us-east-1", "action DbConnect");
        assertThat(run.step("clock").symbol()).isEqualTo("○");
        assertThat(run.step("clock").detail()).contains("not measurable");
        assertThat(run.step("tcp").detail()).contains("connected to 127.0.0.1:" + db.port());
        assertThat(run.step("tls").detail()).contains("trusted by sslrootcert", "names the signed host " + ENDPOINT);
        assertThat(run.step("login").passed()).isTrue();
        assertThat(run.step("query").detail()).isEqualTo("select current_user returned app");
        assertThat(run.out()).endsWith("Every step passed." + System.lineSeparator())
                .doesNotContain(OWNER.secretAccessKey(), OWNER.accessKeyId(), "X-Amz-Signature");
    }

    @Test
    void wrongRegion() {
        DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "app", "iamRegion=us-west-2");
        DoctorRun.Step failed = run.failedAt("configuration", "credentials", "token", "clock", "tcp", "tls", "login", "query");
        assertThat(failed.detail()).contains("iamRegion", "'us-west-2'", "us-east-1");
        assertThat(failed.fix()).contains("iamRegion");
    }

    @Test
    void ungrantedRole() {
        FakeAwsCredentials.use(STRANGER.accessKeyId(), STRANGER.secretAccessKey(), STRANGER.sessionToken());
        DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "app");
        DoctorRun.Step failed = run.failedAt("login", "query");
        assertThat(failed.detail()).contains("the server rejected the token for user 'app'");
        assertThat(failed.fix()).contains("dsql:DbConnect", "AWS IAM GRANT app TO", "region us-east-1", "signed for host '" + ENDPOINT);
        assertThat(run.step("credentials").detail()).contains("access key ASIA…");
        assertThat(run.out()).doesNotContain(STRANGER.secretAccessKey(), STRANGER.sessionToken(), "FwoG", STRANGER.accessKeyId(),
                "X-Amz-Signature");
    }

    @Test
    void wrongPort() {
        String url = db.iamdbJdbcUrl().replace("127.0.0.1:" + db.port() + "/", "127.0.0.1:" + DoctorRun.closedPort() + "/");
        DoctorRun run = DoctorRun.inProcess("--url", url, "--user", "app");
        DoctorRun.Step failed = run.failedAt("tcp", "tls", "login", "query");
        assertThat(failed.detail()).contains("refused");
        assertThat(failed.fix()).contains("port in the URL", "5432");
        assertThat(run.step("token").passed()).isTrue();
    }

    /** EKS IRSA through the local STS, which also says who the credentials are and what time it is. */
    @Test
    void webIdentityWithTheCallersIdentityAndClock() {
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "doctor")) {
            DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "app");
            assertThat(run.status()).as(run.out() + run.err()).isZero();
            assertThat(run.step("credentials").detail()).containsIgnoringCase("web identity")
                    .contains("access key ASIA…", "identity arn:aws:sts::" + aws.accountId() + ":assumed-role/doctor/");
            assertThat(run.step("clock").passed()).isTrue();
            assertThat(run.step("clock").detail()).contains("STS's");
            assertThat(run.step("query").detail()).isEqualTo("select current_user returned app");
            Identity issued = aws.issued().get(aws.issued().size() - 1);
            assertThat(run.out()).doesNotContain(issued.secretAccessKey(), issued.sessionToken(), issued.accessKeyId());
        }
    }

    /** A clock 10 minutes ahead: STS's Date shows it, and the server refuses a token dated in the future. */
    @Test
    void clockAhead() {
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "doctor")) {
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
            DoctorRun run = DoctorRun.inProcess(ahead, "--url", db.iamdbJdbcUrl(), "--user", "app");
            assertThat(run.status()).isEqualTo(Cli.FAILED);
            assertThat(run.step("clock").failed()).isTrue();
            assertThat(run.step("clock").detail()).containsPattern("clock is 6\\d\\d s ahead of STS's");
            assertThat(run.step("clock").fix()).contains("synchronise the clock");
            assertThat(run.step("login").detail()).contains("dated in the future");
            assertThat(run.step("query").skipped()).isTrue();
        }
    }

    /** Keys STS does not know fail at the credentials step, before any token is signed. */
    @Test
    void credentialsStsRefuses() {
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "doctor")) {
            System.clearProperty("aws.webIdentityTokenFile");
            System.clearProperty("aws.roleArn");
            FakeAwsCredentials.use("AKIADOCTORUNKNOWN009", "unknown-secret", null);
            DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "app");
            DoctorRun.Step failed = run.failedAt("credentials", "token", "clock", "login", "query");
            assertThat(failed.detail()).contains("access key AKIA…", "STS GetCallerIdentity refused them (HTTP 403");
            assertThat(failed.fix()).contains("not valid in AWS");
            assertThat(run.out()).doesNotContain("unknown-secret", "AKIADOCTORUNKNOWN009");
        }
    }

    /** The default chain must not skip a configured web identity and sign as someone else. */
    @Test
    void missingWebIdentityTokenFile(@TempDir Path dir) {
        try (AwsSystemProperties route = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "doctor")) {
            System.setProperty("aws.webIdentityTokenFile", dir.resolve("missing-token").toString());
            DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "app");
            DoctorRun.Step failed = run.failedAt("credentials", "token", "clock", "login", "query");
            assertThat(failed.detail()).containsIgnoringCase("web identity").contains("missing-token");
            assertThat(failed.fix()).containsIgnoringCase("token file");
            assertThat(failed.detail()).as("the fix has its own line").doesNotContain(failed.fix());
            // The network steps need no credentials, and still say what they can.
            assertThat(run.step("tcp").passed()).isTrue();
            assertThat(run.step("tls").passed()).isTrue();
        }
    }

    /** IAM Identity Center: the SDK reads the SSO token cache under HOME, so this runs as a child JVM. */
    @Test
    void expiredSsoSession() {
        Map<String, String> env = aws.environment(LocalAws.Route.SSO_SESSION, "doctor");
        // A stale 'aws sso login', replacing the fresh one environment() wrote.
        String accessToken = aws.ssoLogin("doctor", Duration.ofHours(-1));
        DoctorRun run = DoctorRun.childProcess(env, "--url", db.iamdbJdbcUrl(), "--user", "app");
        DoctorRun.Step failed = run.failedAt("credentials", "token", "clock", "login", "query");
        assertThat(failed.detail()).contains("profile '" + LocalAws.PROFILE_NAME + "'", "IAM Identity Center (SSO)");
        assertThat(failed.fix()).contains("expired", "aws sso login --profile " + LocalAws.PROFILE_NAME);
        assertThat(run.out() + run.err()).doesNotContain(accessToken);
    }

    /**
     * README's doctor command (src/test/resources/docs/doctor.sh) as written, but connecting to the local endpoint:
     * the URL keeps its host as the signed host (iamHost) and gets the gateway's address and CA.
     */
    @Test
    void readmeCommand() throws IOException {
        String line = Files.readString(Path.of("src/test/resources/docs/doctor.sh")).strip();
        List<String> words = List.of(line.split("\\s+"));
        assertThat(words.subList(0, 4)).containsExactly("java", "-jar", "cli/target/iamdb-cli.jar", "doctor");
        List<String> args = new ArrayList<>();
        for (String word : words.subList(4, words.size())) {
            String unquoted = word.replaceAll("^'(.*)'$", "$1");
            args.add(unquoted.replace("//" + ENDPOINT + "/postgres", "//127.0.0.1:" + db.port() + "/postgres?iamHost=" + ENDPOINT
                    + "&sslrootcert=" + db.caCertificate()));
        }
        DoctorRun run = DoctorRun.inProcess(args.toArray(String[]::new));
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.step("login").detail()).startsWith("logged in as admin");
    }

    @Test
    void usageMistakes() {
        DoctorRun noUrl = DoctorRun.inProcess("--user", "app");
        assertThat(noUrl.status()).isEqualTo(Cli.USAGE);
        assertThat(noUrl.err()).contains("missing --url");
        DoctorRun stray = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "stray-secret");
        assertThat(stray.status()).isEqualTo(Cli.USAGE);
        assertThat(stray.err()).contains("property=value").doesNotContain("stray-secret");
        assertThat(DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--timeout", "0").err()).contains("--timeout", "'0'");
    }
}
