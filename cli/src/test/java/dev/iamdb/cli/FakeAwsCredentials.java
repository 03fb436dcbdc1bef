package dev.iamdb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts fake credentials where the default chain looks first (the {@code aws.*} system properties) and
 * points the shared AWS files into an empty folder, so no test reaches the machine's own credentials
 * or the instance metadata service. Restores everything after each test.
 */
final class FakeAwsCredentials implements BeforeEachCallback, AfterEachCallback {
    private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken",
            "aws.region", "aws.configFile", "aws.sharedCredentialsFile");

    private final Map<String, String> saved = new HashMap<>();
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
        for (String p : PROPERTIES) {
            saved.put(p, System.getProperty(p));
            System.clearProperty(p);
        }
        awsDir = Files.createTempDirectory("iamdb-aws");
        System.setProperty("aws.configFile", awsDir.resolve("config").toString());
        System.setProperty("aws.sharedCredentialsFile", awsDir.resolve("credentials").toString());
        use("AKIDEXAMPLE", "fake-secret", null);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        saved.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
        try (var files = Files.list(awsDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(awsDir);
    }
}
