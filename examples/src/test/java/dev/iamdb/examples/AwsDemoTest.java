package dev.iamdb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The demo against a real Aurora DSQL cluster or RDS instance. Opt-in: runs only when {@code IAMDB_ENDPOINT} and
 * {@code IAMDB_USER} are set (with AWS credentials, see docs/examples.md); skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = "IAMDB_ENDPOINT", matches = ".+")
@EnabledIfEnvironmentVariable(named = "IAMDB_USER", matches = ".+")
class AwsDemoTest {

    @Test
    void demoPassesAgainstTheGivenEndpoint() {
        ByteArrayOutputStream report = new ByteArrayOutputStream();

        int status = Demo.run(new String[0], System.getenv(), new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(status).as(text).isZero();
        assertThat(text).doesNotContain("X-Amz-Signature");
    }
}
