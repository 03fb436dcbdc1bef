package dev.iamdb.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The AWS SDK's signer logs the session token at DEBUG: the docs must name that logger and say to keep it
 * above DEBUG, and no guide may tell anyone to turn it on.
 */
class LoggingGuideTest {
    private static final String SIGNER_LOGGER = "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner";

    @Test
    void theConfigurationReferenceNamesTheSignersLoggerAndSaysToKeepItQuiet() throws Exception {
        Class.forName(SIGNER_LOGGER);
        assertThat(Guides.guide("configuration.md")).contains(SIGNER_LOGGER).contains("at INFO or above");
    }

    @Test
    void noGuideTurnsOnTheSdksDebugLogging() {
        for (String guide : new String[] {"troubleshooting.md", "aws-setup.md", "jdbc-url.md", "hibernate.md", "jooq.md",
            "flyway.md", "mybatis.md", "aurora-dsql.md", "testing.md", "examples.md"}) {
            assertThat(Guides.guide(guide).lines())
                    .as(guide)
                    .noneMatch(line -> line.contains("software.amazon.awssdk") && line.matches(".*(=|: *)(DEBUG|TRACE|debug|trace).*"));
        }
    }
}
