package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.AuthToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line in-process, with fake credentials from {@link FakeAwsCredentials}. */
class CliTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final String DSQL_HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final String RDS_HOST = "mydb.c0abcdefghij.us-east-1.rds.amazonaws.com";

    @RegisterExtension
    final FakeAwsCredentials aws = new FakeAwsCredentials();

    record Result(int status, String out, String err) {
        /** The token printed by a successful {@code token} command, which must be all of stdout. */
        String token() {
            assertThat(status).as("exit status; stderr: %s", err).isZero();
            assertThat(out).endsWith(System.lineSeparator());
            String token = out.substring(0, out.length() - System.lineSeparator().length());
            assertThat(token).doesNotContain("\n", "\r", " ");
            assertThat(err).isEmpty();
            return token;
        }

        /** A failure reported as exactly one line on stderr, with nothing on stdout. */
        String errorLine(int expectedStatus) {
            assertThat(status).isEqualTo(expectedStatus);
            assertThat(out).isEmpty();
            assertThat(err).startsWith("iamdb: ").doesNotContain("\tat ");
            assertThat(err.lines()).hasSize(1);
            return err.strip();
        }
    }

    private static Result run(String... args) {
        return runAt(NOW, new ByteArrayInputStream(new byte[0]), args);
    }

    private static Result runAt(Instant now, InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Cli(Clock.fixed(now, ZoneOffset.UTC)).run(args, in,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dsqlAdminToken() {
        String token = run("token", "--host", "abc123.dsql.us-east-1.on.aws", "--user", "admin").token();
        assertThat(token).startsWith("abc123.dsql.us-east-1.on.aws/?Action=DbConnectAdmin&")
                .contains("&X-Amz-Date=20250304T050607Z&", "&X-Amz-Expires=900&",
                        "X-Amz-Credential=AKIDEXAMPLE%2F20250304%2Fus-east-1%2Fdsql%2Faws4_request")
                .doesNotContain("X-Amz-Security-Token", "fake-secret");
    }

    @Test
    void dsqlCustomRoleToken() {
        assertThat(run("token", "--host", "abc123.dsql.us-east-1.on.aws", "--user", "app").token())
                .startsWith("abc123.dsql.us-east-1.on.aws/?Action=DbConnect&");
        assertThat(run("token", "--host", "abc123.dsql.us-east-1.on.aws", "--user", "admin", "--admin").token())
                .startsWith("abc123.dsql.us-east-1.on.aws/?Action=DbConnectAdmin&");
        assertThat(run("token", "--host", "abc123.dsql.us-east-1.on.aws", "--user", "app", "--admin").errorLine(Cli.USAGE))
                .startsWith("iamdb: --admin: ").contains("only for the admin role");
    }

    @Test
    void rdsTokenSignsThePort() {
        String token = run("token", "--host", RDS_HOST, "--port", "6543", "--user", "iam_user").token();
        assertThat(token).startsWith(RDS_HOST + ":6543/?DBUser=iam_user&Action=connect&")
                .contains("%2Fus-east-1%2Frds-db%2Faws4_request");
        assertThat(run("token", "--host", RDS_HOST, "--user", "iam_user").token()).startsWith(RDS_HOST + ":5432/?");
    }

    /** Byte for byte the published SDK/botocore vectors, reached through every option of the command. */
    @Test
    void publishedVectors() {
        System.setProperty("aws.accessKeyId", "access_key");
        System.setProperty("aws.secretAccessKey", "secret_key");
        Result rds = runAt(Instant.parse("2016-11-07T17:39:33Z"), InputStream.nullInputStream(), "token",
                "--host", "host.us-east-1.amazonaws.com", "--port=3306", "--service", "rds", "--region", "us-east-1",
                "--user", "mySQLUser");
        assertThat(rds.token()).isEqualTo("host.us-east-1.amazonaws.com:3306/?DBUser=mySQLUser&Action=connect"
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20161107T173933Z&X-Amz-SignedHeaders=host"
                + "&X-Amz-Expires=900&X-Amz-Credential=access_key%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
                + "&X-Amz-Signature=87ab58107ef49f1c311a412f98b7f976b0b5152ffb559f0d36c6c9a0c5e0e362");
        Result dsql = runAt(Instant.parse("2024-11-07T17:39:33Z"), InputStream.nullInputStream(), "token",
                "--host", "test.dsql.us-east-1.on.aws", "--user", "app", "--lifetime", "3600");
        assertThat(dsql.token()).contains("&X-Amz-Expires=3600&")
                .endsWith("&X-Amz-Signature=63987ab6908fe81bfcaa5a5120444a8d012751992bcdfec351522db555232c51");
    }

    @Test
    void sessionCredentialsAddTheSecurityToken() {
        System.setProperty("aws.sessionToken", "FwoG/session+token==");
        String token = run("token", "--host", DSQL_HOST, "--user", "admin").token();
        assertThat(token).contains("&X-Amz-Security-Token=FwoG%2Fsession%2Btoken%3D%3D&");
        assertThat(AuthToken.parse(token).hasSessionToken()).isTrue();
    }

    @Test
    void chinaAndPrivateLinkHosts() {
        String china = "mydb.c0abcdefghij.rds.cn-north-1.amazonaws.com.cn";
        AuthToken rds = AuthToken.parse(run("token", "--host", china, "--user", "iam_user").token());
        assertThat(rds.host()).isEqualTo(china);
        assertThat(rds.region()).isEqualTo("cn-north-1");
        assertThat(rds.service()).isEqualTo("rds-db");

        String privateLink = "abcdefghijklmnopqrstuvwxyz.dsql-ab12.us-east-1.on.aws";
        AuthToken dsql = AuthToken.parse(run("token", "--host", privateLink, "--user", "admin").token());
        assertThat(dsql.host()).isEqualTo(privateLink);
        assertThat(dsql.region()).isEqualTo("us-east-1");
        assertThat(dsql.service()).isEqualTo("dsql");
    }

    @Test
    void dsqlLifetimeOfAnHour() {
        String token = run("token", "--host", DSQL_HOST, "--user", "admin", "--lifetime", "3600").token();
        assertThat(token).contains("&X-Amz-Expires=3600&");
        assertThat(AuthToken.parse(token).expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    }

    @Test
    void profileCredentials() throws IOException {
        Files.writeString(aws.awsDir().resolve("credentials"),
                "[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n");
        String token = run("token", "--host", DSQL_HOST, "--user", "admin", "--profile", "ci").token();
        assertThat(AuthToken.parse(token).accessKeyId()).isEqualTo("AKIDPROFILE");
    }

    @Test
    void inspectRoundTripsAGeneratedToken() {
        System.setProperty("aws.sessionToken", "session-token-value");
        String token = run("token", "--host", RDS_HOST, "--port", "3306", "--user", "iam_user").token();

        Result inspected = runAt(NOW.plusSeconds(60), InputStream.nullInputStream(), "inspect", token);
        assertThat(inspected.status()).isZero();
        assertThat(inspected.err()).isEmpty();
        assertThat(fields(inspected.out())).containsExactly(
                Map.entry("signed host", RDS_HOST),
                Map.entry("port", "3306"),
                Map.entry("service", "rds-db"),
                Map.entry("region", "us-east-1"),
                Map.entry("action", "connect"),
                Map.entry("user", "iam_user"),
                Map.entry("access key id", "AKIDEXAMPLE"),
                Map.entry("session token", "yes"),
                Map.entry("signed at", "2025-03-04T05:06:07Z"),
                Map.entry("expires at", "2025-03-04T05:21:07Z"),
                Map.entry("expired", "no"));
        assertThat(inspected.out()).doesNotContain("session-token-value", "fake-secret",
                token.substring(token.indexOf("X-Amz-Signature=") + 16));
    }

    @Test
    void inspectReadsStdinAndJudgesExpiryByTheClock() {
        String token = run("token", "--host", DSQL_HOST, "--user", "admin").token();
        InputStream stdin = new ByteArrayInputStream((token + "\n").getBytes(StandardCharsets.US_ASCII));
        Map<String, String> fields = fields(runAt(NOW.plusSeconds(900), stdin, "inspect", "-").out());
        assertThat(fields).containsEntry("port", "-").containsEntry("user", "-").containsEntry("action", "DbConnectAdmin")
                .containsEntry("session token", "no").containsEntry("expired", "yes");
    }

    @Test
    void inspectRejectsAMalformedTokenWithoutEchoingIt() {
        String broken = "abc.dsql.us-east-1.on.aws/?Action=DbConnect&X-Amz-Signature=deadbeefcafe";
        String line = run("inspect", broken).errorLine(Cli.USAGE);
        assertThat(line).contains("X-Amz-Algorithm").doesNotContain("deadbeefcafe");
        assertThat(run("inspect").errorLine(Cli.USAGE)).contains("TOKEN");
        assertThat(runAt(NOW, InputStream.nullInputStream(), "inspect", "-").errorLine(Cli.USAGE)).contains("standard input");
    }

    @Test
    void hostThatNamesNoServiceOrRegion() {
        assertThat(run("token", "--host", "localhost", "--user", "app").errorLine(Cli.USAGE))
                .startsWith("iamdb: --host: ").contains("localhost", "iamHost", "iamService", "iamRegion");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "604801", "abc"})
    void badLifetime(String lifetime) {
        assertThat(run("token", "--host", DSQL_HOST, "--user", "app", "--lifetime", lifetime).errorLine(Cli.USAGE))
                .startsWith("iamdb: --lifetime: ").contains("iamTokenLifetime", "'" + lifetime + "'", "604800");
    }

    @Test
    void optionThatDoesNotApplyToTheService() {
        assertThat(run("token", "--host", RDS_HOST, "--user", "app", "--lifetime", "3600").errorLine(Cli.USAGE))
                .startsWith("iamdb: --lifetime: ").contains("iamTokenLifetime", "RDS");
        assertThat(run("token", "--host", RDS_HOST, "--user", "app", "--admin").errorLine(Cli.USAGE))
                .startsWith("iamdb: --admin: ").contains("iamAdmin");
        assertThat(run("token", "--host", RDS_HOST, "--user", "app", "--service", "dsql").errorLine(Cli.USAGE))
                .startsWith("iamdb: --service: ").contains("iamService");
    }

    @Test
    void commandLineMistakes() {
        assertThat(run("token", "--host", DSQL_HOST, "--user", "app", "--colour").errorLine(Cli.USAGE))
                .contains("unknown option --colour");
        assertThat(run("token", "--host", DSQL_HOST, "--user").errorLine(Cli.USAGE))
                .contains("missing value for --user (user)");
        assertThat(run("token", "--host", DSQL_HOST, "--user", "--lifetime", "60").errorLine(Cli.USAGE))
                .contains("missing value for --user (user)");
        assertThat(run("token", "--user", "app").errorLine(Cli.USAGE)).contains("missing --host");
        assertThat(run("token", "--host", DSQL_HOST).errorLine(Cli.USAGE)).contains("missing --user (user)");
        assertThat(run("token", "--host", RDS_HOST, "--user", "app", "--port", "99999").errorLine(Cli.USAGE))
                .contains("--port", "'99999'");
        assertThat(run("token", "--host", RDS_HOST, "--user", "app", "--port", "x").errorLine(Cli.USAGE))
                .contains("--port", "'x'");
        assertThat(run("token", "--host", DSQL_HOST, "--user", "a", "--user", "b").errorLine(Cli.USAGE))
                .contains("--user (user) is given more than once");
        assertThat(run("token", "--host", DSQL_HOST, "--user", "a", "--admin=yes").errorLine(Cli.USAGE))
                .contains("--admin (iamAdmin) takes no value");
        assertThat(run("token", "--host", DSQL_HOST, "--user", "a", "stray-secret").errorLine(Cli.USAGE))
                .doesNotContain("stray-secret");
        assertThat(run("tokn").errorLine(Cli.USAGE)).contains("unknown command 'tokn'");
    }

    @Test
    void missingCredentialsAreARuntimeFailure() {
        String line = run("token", "--host", DSQL_HOST, "--user", "app", "--profile", "nosuch").errorLine(Cli.FAILED);
        assertThat(line).contains("Could not resolve AWS credentials", "awsProfile: profile 'nosuch'", "Create the profile");
    }

    @Test
    void debugAddsTheStackTrace() {
        Result r = run("token", "--host", DSQL_HOST, "--user", "app", "--lifetime", "0", "--debug");
        assertThat(r.status()).isEqualTo(Cli.USAGE);
        assertThat(r.err()).startsWith("iamdb: --lifetime: ").contains("IamConfigException", "\tat dev.iamdb.");
    }

    @Test
    void help() {
        for (String[] args : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"token", "--help"})) {
            Result r = run(args);
            assertThat(r.status()).isZero();
            assertThat(r.out()).startsWith("Usage: iamdb token").contains("--lifetime SECONDS", "iamTokenLifetime", "inspect");
            assertThat(r.err()).isEmpty();
        }
        Result none = run();
        assertThat(none.status()).isEqualTo(Cli.USAGE);
        assertThat(none.out()).startsWith("Usage: iamdb token");
    }

    /** "help" after the command is a value, not a request for help. */
    @Test
    void helpAsAValue() {
        assertThat(AuthToken.parse(run("token", "--host", RDS_HOST, "--user", "help").token()).user()).isEqualTo("help");
    }

    @Test
    void dsqlTokensCarryNoPortEvenWhenOneIsGiven() {
        assertThat(AuthToken.parse(run("token", "--host", DSQL_HOST, "--user", "admin", "--port", "5432").token()).port())
                .isEqualTo(OptionalInt.empty());
    }

    private static Map<String, String> fields(String out) {
        Map<String, String> fields = new LinkedHashMap<>();
        out.lines().forEach(line -> {
            int colon = line.indexOf(": ");
            fields.put(line.substring(0, colon), line.substring(colon + 2));
        });
        return fields;
    }
}
