package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** What a failing setting or provider says never carries the secret it was given. */
class SecretsInMessagesTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

    @Test
    void aProviderConstructorsMessageIsNotCopied() {
        IamConfig config = IamConfig.builder().host(HOST).property("user", "admin")
                .property("awsCredentialsProvider", ThrowingCredentials.class.getName()).build();
        assertThatThrownBy(() -> new TokenProvider(config).close())
                .isInstanceOf(IamConfigException.class)
                .hasMessageContaining(ThrowingCredentials.class.getName())
                .hasMessageContaining(IllegalStateException.class.getName())
                .hasMessageNotContaining("wJalrXUtnFEMI");
    }

    @Test
    void aPasswordInTheUrlIsNotEchoed() {
        assertThatThrownBy(() -> IamConfig.builder().url("jdbc:postgresql://Admin:Wjalr-Secret@" + HOST + "/postgres").build())
                .isInstanceOf(IamConfigException.class)
                .hasMessageNotContaining("Wjalr-Secret").hasMessageNotContaining("wjalr-secret");
    }

    /** Fails the way a provider given a bad secret might: with the secret in its message. */
    public static final class ThrowingCredentials implements AwsCredentialsProvider {
        public ThrowingCredentials() {
            throw new IllegalStateException("bad secret key wJalrXUtnFEMI/K7MDENG");
        }

        @Override
        public AwsCredentials resolveCredentials() {
            throw new UnsupportedOperationException();
        }
    }
}
