package dev.iamdb.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts an {@link Identity} where the AWS SDK's default credentials chain looks first, the
 * {@code aws.accessKeyId}, {@code aws.secretAccessKey} and {@code aws.sessionToken} system properties,
 * and puts the previous values back on {@link #close()}. For testing code that, like a production
 * configuration without {@code awsProfile} or {@code awsCredentialsProvider}, takes its credentials from
 * the default chain.
 *
 * <pre>{@code
 * try (DefaultChainCredentials credentials = DefaultChainCredentials.use(db.identity())) {
 *     // connections signed with the default chain now use the testkit's identity
 * }
 * }</pre>
 *
 * System properties are global to the JVM: do not run tests that use this in parallel with tests that
 * need other credentials.
 */
public final class DefaultChainCredentials implements AutoCloseable {
    private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken");

    private final Map<String, String> previous = new LinkedHashMap<>();

    private DefaultChainCredentials(Identity identity) {
        String[] values = {identity.accessKeyId(), identity.secretAccessKey(), identity.sessionToken()};
        for (int i = 0; i < PROPERTIES.size(); i++) {
            previous.put(PROPERTIES.get(i), set(PROPERTIES.get(i), values[i]));
        }
    }

    /** Makes {@code identity} the default chain's credentials until {@link #close()}. */
    public static DefaultChainCredentials use(Identity identity) {
        return new DefaultChainCredentials(identity);
    }

    /** Restores the system properties as they were before {@link #use(Identity)}. */
    @Override
    public void close() {
        previous.forEach(DefaultChainCredentials::set);
    }

    private static String set(String key, String value) {
        return value == null ? System.clearProperty(key) : System.setProperty(key, value);
    }

    @Override
    public String toString() {
        return "DefaultChainCredentials[" + previous.keySet() + "]";
    }
}
