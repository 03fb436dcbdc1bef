package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

class DefaultChainCredentialsTest {

    @Test
    void theSdkReadsTheIdentityAndThePreviousValuesComeBack() {
        Identity session = Identity.withSessionToken("ASIADEFAULTCHAIN0001", "chain-secret", "chain-session",
                Identity.DEFAULT_PRINCIPAL_ARN);
        String before = System.setProperty("aws.accessKeyId", "AKIAPREVIOUS00000001");
        try {
            try (DefaultChainCredentials credentials = DefaultChainCredentials.use(session)) {
                AwsSessionCredentials resolved = (AwsSessionCredentials) SystemPropertyCredentialsProvider.create().resolveCredentials();
                assertThat(resolved.accessKeyId()).isEqualTo("ASIADEFAULTCHAIN0001");
                assertThat(resolved.secretAccessKey()).isEqualTo("chain-secret");
                assertThat(resolved.sessionToken()).isEqualTo("chain-session");
                assertThat(credentials.toString()).doesNotContain("chain-secret", "chain-session");
            }
            assertThat(System.getProperty("aws.accessKeyId")).isEqualTo("AKIAPREVIOUS00000001");
            assertThat(System.getProperty("aws.secretAccessKey")).isNull();
            assertThat(System.getProperty("aws.sessionToken")).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("aws.accessKeyId");
            } else {
                System.setProperty("aws.accessKeyId", before);
            }
        }
    }
}
