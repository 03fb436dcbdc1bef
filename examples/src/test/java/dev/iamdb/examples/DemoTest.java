package dev.iamdb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo in-process, in local mode, and the parsing of its AWS-mode settings. */
class DemoTest {

    @Test
    void localDemoRunsEveryStepAndExitsWithZero() {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        int status = Demo.run(new String[0], Map.of(), new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(status).as(text).isZero();
        assertThat(text).contains(
                "[1/8] Flyway migrations (IamFlyway)",
                "applied 2 migrations, schema at version 2",
                "[2/8] Hibernate (hibernate.properties)",
                "wrote and read back \"Hello from Hibernate\"; the guestbook holds 1 entry",
                "wrote and read back \"Hello from JDBC\"; the guestbook holds 5 entries",
                "new connection 5 minutes later: tokens signed 1, reused 1",
                "new connection 16 minutes later, the token's 15 minutes over: tokens signed 2, reused 1",
                "the application gets SQLException 28000:",
                "      The server rejected the IAM token for user 'reporting'",
                "REJECTED: role \"reporting\" is not granted to " + LocalCredentials.IDENTITY.principalArn(),
                "All 8 steps did what they should.");
        assertThat(text.lines().filter(line -> line.matches("\\[\\d/8].*")))
                .hasSize(8).allMatch(line -> line.endsWith(" OK"));
        assertThat(text).doesNotContain(LocalCredentials.IDENTITY.secretAccessKey(), "X-Amz-", "Exception:", "\tat ");
    }

    @Test
    void anUnknownOptionExitsWithTwoAndNamesIt() {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        int status = Demo.run(new String[] {"--endpoints", "x"}, Map.of(), new PrintStream(report, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(report.toString(StandardCharsets.UTF_8)).contains("Unknown option '--endpoints'", "--endpoint", "IAMDB_ENDPOINT");
    }

    @Test
    void anEndpointWithoutAUserExitsWithTwo() {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        int status = Demo.run(new String[0], Map.of("IAMDB_ENDPOINT", "abc123.dsql.us-east-1.on.aws"),
                new PrintStream(report, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(report.toString(StandardCharsets.UTF_8)).contains("IAMDB_USER");
    }

    @Test
    void awsModeReportsABadEndpointAtItsFirstStepWithoutConnecting() {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        int status = Demo.run(new String[] {"--user", "app"}, Map.of("IAMDB_ENDPOINT", "localhost"),
                new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(status).as(text).isEqualTo(1);
        assertThat(text).contains("iamdb demo: localhost", "[1/7] Flyway migrations (IamFlyway)", "as admin", "FAILED",
                "iamHost", "FAILED at step 1, Flyway migrations (IamFlyway).");
    }

    @Test
    void awsSettingsComeFromOptionsBeforeTheEnvironment() {
        Options options = Options.parse(new String[] {"--user", "reader", "--region", "eu-west-1"}, Map.of(
                "IAMDB_ENDPOINT", "mydb.cluster-abc123.eu-west-1.rds.amazonaws.com:6543/orders",
                "IAMDB_USER", "app", "AWS_REGION", "us-east-1", "IAMDB_UNGRANTED_ROLE", "intruder"));

        assertThat(options.aws()).isTrue();
        assertThat(options.target(options.user())).isEqualTo(new Target(
                "jdbc:postgresql://mydb.cluster-abc123.eu-west-1.rds.amazonaws.com:6543/orders?iamRegion=eu-west-1", "reader"));
        assertThat(options.adminUser()).isEqualTo("admin");
        assertThat(options.ungrantedRole()).isEqualTo("intruder");
        assertThat(Target.fromCommandLine(new String[0], Map.of("IAMDB_ENDPOINT", "abc123.dsql.us-east-1.on.aws", "IAMDB_USER", "app")))
                .isEqualTo(new Target("jdbc:postgresql://abc123.dsql.us-east-1.on.aws:5432/postgres", "app"));
    }

    @Test
    void noEndpointMeansLocalModeForTheDemoAndAnErrorForAnExample() {
        assertThat(Options.parse(new String[0], Map.of("IAMDB_USER", "app")).aws()).isFalse();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> Target.fromCommandLine(new String[0], Map.of()))
                .withMessageContaining("IAMDB_ENDPOINT").withMessageContaining("iamdb-demo.jar");
    }
}
