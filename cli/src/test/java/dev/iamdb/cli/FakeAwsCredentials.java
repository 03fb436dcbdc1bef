package dev.iamdb.cli;

import dev.iamdb.testkit.AwsSystemProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts fake credentials where the default chain looks first (the {@code aws.*} system properties), points the shared
 * AWS files into an empty folder, STS at a loopback port nothing listens on and turns the instance metadata service
 * off, so no test reaches the machine's own credentials or AWS. The testkit's {@link AwsSystemProperties} clears every
 * other SDK setting for the test and restores them all after it.
 */
final class FakeAwsCredentials implements BeforeEachCallback, AfterEachCallback {
    private AwsSystemProperties settings;
    private Path awsDir;

    /** The folder the shared config and credentials files point into. */
    Path awsDir() {
        return awsDir;
    }

    static void use(String accessKeyId, String secretAccessKey, String sessionToken) {
        System.setProperty("aws.accessKeyId", accessKeyId);
        System.setProperty("aws.secretAccessKey", secretAccessKey);
        if (sessionToken == null) {
            System.clearProperty("aws.sessionToken");
        } else {
            System.setProperty("aws.sessionToken", sessionToken);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        awsDir = Files.createTempDirectory("iamdb-aws");
        settings = AwsSystemProperties.set(Map.of("AWS_CONFIG_FILE", awsDir.resolve("config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", awsDir.resolve("credentials").toString(),
                "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + DoctorRun.closedPort(),
                "AWS_EC2_METADATA_DISABLED", "true"));
        use("AKIDEXAMPLE", "fake-secret", null);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        settings.close();
        try (var files = Files.list(awsDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(awsDir);
    }
}
