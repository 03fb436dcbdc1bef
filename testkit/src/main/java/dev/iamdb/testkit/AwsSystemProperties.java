package dev.iamdb.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sets the JVM system properties that the AWS SDK reads in place of its environment variables
 * ({@code aws.roleArn} for {@code AWS_ROLE_ARN}, {@code aws.endpointUrlSts} for {@code AWS_ENDPOINT_URL_STS}, …),
 * and puts the previous values back on {@link #close()}. In-process tests cannot set environment variables; this
 * is the SDK's own public switch for the same settings. Every setting this class knows and the map does not give is
 * cleared for the duration, so that settings of an earlier route or of the machine do not leak in.
 *
 * <pre>{@code
 * try (AwsSystemProperties settings = aws.useSystemProperties(LocalAws.Route.WEB_IDENTITY, "app")) {
 *     // the SDK's default chain now assumes role "app" with a web identity token from the local STS
 * }
 * }</pre>
 *
 * System properties are global to the JVM: do not run tests that use this in parallel with tests that need other
 * credentials.
 */
public final class AwsSystemProperties implements AutoCloseable {

    /** Each environment variable of the SDK that a route may set, with its system property (SDK 2.41). */
    static final Map<String, String> PROPERTIES = properties();

    private final Map<String, String> previous = new LinkedHashMap<>();

    private AwsSystemProperties(Map<String, String> environment) {
        for (String name : environment.keySet()) {
            if (!PROPERTIES.containsKey(name)) {
                throw new IllegalArgumentException("environment variable " + name + " has no system property the AWS"
                        + " SDK reads instead; run the code in a child process with it set. Variables with one: "
                        + PROPERTIES.keySet());
            }
        }
        PROPERTIES.forEach((variable, property) -> previous.put(property, set(property, environment.get(variable))));
    }

    /**
     * Sets the system property of each of {@code environment}'s variables (names as {@link LocalAws#environment}
     * gives them) and clears the other settings this class knows, until {@link #close()}.
     *
     * @throws IllegalArgumentException for a variable without a system property ({@code HOME}, which the SSO
     *                                  routes need)
     */
    public static AwsSystemProperties set(Map<String, String> environment) {
        return new AwsSystemProperties(environment);
    }

    /** Restores the system properties as they were before {@link #set(Map)}. */
    @Override
    public void close() {
        previous.forEach(AwsSystemProperties::set);
    }

    private static String set(String key, String value) {
        return value == null ? System.clearProperty(key) : System.setProperty(key, value);
    }

    private static Map<String, String> properties() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("AWS_ACCESS_KEY_ID", "aws.accessKeyId");
        m.put("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");
        m.put("AWS_SESSION_TOKEN", "aws.sessionToken");
        m.put("AWS_REGION", "aws.region");
        m.put("AWS_PROFILE", "aws.profile");
        m.put("AWS_CONFIG_FILE", "aws.configFile");
        m.put("AWS_SHARED_CREDENTIALS_FILE", "aws.sharedCredentialsFile");
        m.put("AWS_WEB_IDENTITY_TOKEN_FILE", "aws.webIdentityTokenFile");
        m.put("AWS_ROLE_ARN", "aws.roleArn");
        m.put("AWS_ROLE_SESSION_NAME", "aws.roleSessionName");
        m.put("AWS_EC2_METADATA_DISABLED", "aws.disableEc2Metadata");
        m.put("AWS_EC2_METADATA_V1_DISABLED", "aws.disableEc2MetadataV1");
        m.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "aws.ec2MetadataServiceEndpoint");
        m.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "aws.containerCredentialsPath");
        m.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "aws.containerCredentialsFullUri");
        m.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "aws.containerAuthorizationToken");
        m.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "aws.containerAuthorizationTokenFile");
        m.put("AWS_ENDPOINT_URL", "aws.endpointUrl");
        m.put("AWS_ENDPOINT_URL_STS", "aws.endpointUrlSts");
        m.put("AWS_ENDPOINT_URL_SSO", "aws.endpointUrlSso");
        m.put("AWS_ENDPOINT_URL_SSO_OIDC", "aws.endpointUrlSsoOidc");
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "AwsSystemProperties[" + previous.keySet() + "]";
    }
}
