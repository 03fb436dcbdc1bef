package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** iamdb closes the credentials providers it built and never one it was handed by a static create() (issue #14). */
class CredentialsOwnershipTest {
    private static final String HOST = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

    private static IamConfig config(Class<?> providerClass) {
        return IamConfig.builder().host(HOST).property("user", "admin").property("awsCredentialsProvider", providerClass.getName())
                .build();
    }

    /** Like DefaultCredentialsProvider.create(): one instance for the whole JVM. */
    public static final class SharedProvider implements AwsCredentialsProvider, AutoCloseable {
        static final SharedProvider INSTANCE = new SharedProvider();
        final AtomicInteger closed = new AtomicInteger();

        private SharedProvider() {
        }

        public static SharedProvider create() {
            return INSTANCE;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret");
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    /** Offers both a shared instance and a builder for private ones. */
    public static final class BuildableProvider implements AwsCredentialsProvider, AutoCloseable {
        static final BuildableProvider SHARED = new BuildableProvider();
        final AtomicInteger closed = new AtomicInteger();

        private BuildableProvider() {
        }

        public static BuildableProvider create() {
            return SHARED;
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            public BuildableProvider build() {
                return new BuildableProvider();
            }
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create("AKIDEXAMPLE", "fake-secret");
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void anInstanceFromAStaticCreateIsNotClosed() throws Exception {
        int before = SharedProvider.INSTANCE.closed.get();
        try (TokenProvider tokens = new TokenProvider(config(SharedProvider.class))) {
            assertThat(tokens.token()).contains("AKIDEXAMPLE");
        }
        assertThat(SharedProvider.INSTANCE.closed).hasValue(before);
    }

    @Test
    void aBuilderGivesAPrivateInstanceThatIsClosed() {
        Credentials credentials = new Credentials(config(BuildableProvider.class));
        BuildableProvider built = (BuildableProvider) credentials.provider();
        assertThat(built).isNotSameAs(BuildableProvider.SHARED);
        credentials.close();
        assertThat(built.closed).hasValue(1);
        assertThat(BuildableProvider.SHARED.closed).hasValue(0);
    }

    @Test
    void defaultCredentialsProviderByNameIsAPrivateChainNotTheJvmWideOne() {
        Credentials credentials = new Credentials(config(DefaultCredentialsProvider.class));
        assertThat(credentials.provider()).isInstanceOf(DefaultCredentialsProvider.class)
                .isNotSameAs(DefaultCredentialsProvider.create());
        credentials.close();
    }
}
