package dev.iamdb;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.SystemSetting;

/**
 * Where credentials come from when a configuration names no source, and what to do when that source fails.
 *
 * <p>The order is the SDK default chain's (system properties, environment, web identity, profile, container,
 * instance metadata), but the first route the process is configured for is the only one used. The SDK chain
 * instead logs a failing route (an unreadable web identity token file, an expired SSO session) and tries the
 * next, so on a node with an instance role or a default profile it signs as another identity and the login
 * fails far from its cause.
 *
 * @param name     the route for messages and the log, with the settings that chose it; never a secret
 * @param role     the role the route signs as, where its settings say it; else null
 * @param provider builds the route's SDK provider, or throws the route's configuration error
 * @param fix      what to check when the route gives no credentials
 */
record CredentialsRoute(String name, String role, Supplier<AwsCredentialsProvider> provider, String fix) {

    /** The route the environment, system properties and shared AWS files of this process configure. */
    static CredentialsRoute select() {
        // Blank counts as unset, as in the SDK: docker-compose passes AWS_ACCESS_KEY_ID= for an unset host variable.
        if (given(System.getProperty(SdkSystemSetting.AWS_ACCESS_KEY_ID.property())).isPresent()) {
            return keys("system properties aws.accessKeyId/aws.secretAccessKey", SystemPropertyCredentialsProvider::create,
                    "aws.secretAccessKey (and aws.sessionToken for temporary credentials)");
        }
        if (given(System.getenv(SdkSystemSetting.AWS_ACCESS_KEY_ID.environmentVariable())).isPresent()) {
            return keys("environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
                    EnvironmentVariableCredentialsProvider::create,
                    "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)");
        }
        Optional<String> tokenFile = given(SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE);
        if (tokenFile.isPresent()) {
            return webIdentity(tokenFile.get(), given(SdkSystemSetting.AWS_ROLE_ARN).orElse(null));
        }
        Optional<String> named = given(ProfileFileSystemSetting.AWS_PROFILE);
        CredentialsRoute profile = profile(named.orElse("default"), named.isPresent());
        if (profile != null) {
            return profile;
        }
        Optional<String> fullUri = given(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI);
        if (fullUri.isPresent() || given(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI).isPresent()) {
            // Never the URI itself: ECS's relative URI holds the GUID that guards the task's credentials, and a full
            // URI may carry a token in its query.
            String where = fullUri.map(CredentialsRoute::origin).map(o -> "AWS_CONTAINER_CREDENTIALS_FULL_URI at " + o)
                    .orElse("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
            return new CredentialsRoute("the container credentials endpoint (" + where + ")", null,
                    () -> ContainerCredentialsProvider.builder().build(),
                    "On ECS, give the task definition a task role (taskRoleArn). On EKS with Pod Identity, check the pod "
                            + "identity association of the service account and that AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
                            + "is readable.");
        }
        String nothingElse = "Nothing else is configured: no AWS_ACCESS_KEY_ID, no AWS_WEB_IDENTITY_TOKEN_FILE, no AWS_PROFILE "
                + "or [default] profile with credentials, no AWS_CONTAINER_CREDENTIALS_FULL_URI/RELATIVE_URI.";
        boolean metadataDisabled;
        try {
            metadataDisabled = SdkSystemSetting.AWS_EC2_METADATA_DISABLED.getBooleanValue().orElse(false);
        } catch (IllegalStateException e) {
            return failing("the EC2 instance metadata service (instance profile)", "AWS_EC2_METADATA_DISABLED (or "
                    + "aws.disableEc2Metadata) is '" + given(SdkSystemSetting.AWS_EC2_METADATA_DISABLED).orElse("")
                    + "', not true or false", "Set it to true or false.");
        }
        if (metadataDisabled) {
            return failing("no configured source (AWS_EC2_METADATA_DISABLED turns off the instance metadata service)",
                    "no AWS credentials are configured for this process",
                    nothingElse + " Configure one of them, or set awsProfile or awsCredentialsProvider.");
        }
        return new CredentialsRoute("the EC2 instance metadata service (instance profile)", null,
                () -> InstanceProfileCredentialsProvider.builder().build(),
                nothingElse + " On EC2, attach an instance profile (an IAM role) to the instance and allow IMDSv2 "
                        + "(hop limit 2 in containers); elsewhere configure one of the other sources.");
    }

    /** A setting's value from its system property or environment variable, trimmed; blank counts as unset. */
    private static Optional<String> given(SystemSetting setting) {
        return setting.getNonDefaultStringValue().flatMap(CredentialsRoute::given);
    }

    private static Optional<String> given(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Scheme, host and port of a URI, or a placeholder when it is not one. */
    private static String origin(String uri) {
        try {
            URI u = URI.create(uri);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "a URI that does not parse";
        }
    }

    /** A named profile ({@code awsProfile}); unlike the default route, it is used even if it looks empty. */
    static CredentialsRoute namedProfile(String name) {
        return profile(name, true);
    }

    private static CredentialsRoute keys(String name, Supplier<AwsCredentialsProvider> provider, String alsoSet) {
        return new CredentialsRoute(name, null, provider, "Set " + alsoSet + " as well, or remove the access key id "
                + "so that another source is used.");
    }

    private static CredentialsRoute webIdentity(String tokenFile, String roleArn) {
        String name = "web identity (token file " + tokenFile + ", role " + (roleArn != null ? roleArn : "not set") + ")";
        String eks = " On EKS (IAM roles for service accounts) check the service account's eks.amazonaws.com/role-arn "
                + "annotation, that the pod started after it was added, and the role's trust policy for the cluster's "
                + "OIDC provider.";
        if (roleArn == null) {
            return failing(name, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
                    "Set AWS_ROLE_ARN to the role to assume with the token, or unset AWS_WEB_IDENTITY_TOKEN_FILE." + eks);
        }
        Path file = Path.of(tokenFile);
        return new CredentialsRoute(name, roleArn,
                () -> new WebIdentityTokenFile(file, WebIdentityTokenFileCredentialsProvider.builder().build()),
                "Make AWS_WEB_IDENTITY_TOKEN_FILE name a token file this process can read, or unset it. If it does, "
                        + "check that the role " + roleArn + " trusts the token's issuer and audience (sts.amazonaws.com) "
                        + "and that the token has not expired." + eks);
    }

    /**
     * The SDK's web identity provider, whose failures say so when the token file is missing or unreadable. Built even
     * when the file is not there yet: the SDK reads it again for each session, so a file written after start-up (by a
     * sidecar or an agent) is used as soon as it is there, and a session already held outlives a file briefly missing
     * while it is replaced.
     */
    private static final class WebIdentityTokenFile implements AwsCredentialsProvider, SdkAutoCloseable {
        private final Path file;
        private final WebIdentityTokenFileCredentialsProvider sdk;

        WebIdentityTokenFile(Path file, WebIdentityTokenFileCredentialsProvider sdk) {
            this.file = file;
            this.sdk = sdk;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return sdk.resolveCredentials();
            } catch (RuntimeException e) {
                if (Files.isReadable(file)) {
                    throw e;
                }
                throw new IllegalStateException("the web identity token file " + file
                        + (Files.exists(file) ? " is not readable" : " does not exist"), e);
            }
        }

        @Override
        public void close() {
            sdk.close();
        }
    }

    /** The profile's route, or null for an implicit {@code default} profile that does not exist or has no credentials. */
    private static CredentialsRoute profile(String profileName, boolean named) {
        String files = given(ProfileFileSystemSetting.AWS_CONFIG_FILE).orElse("~/.aws/config") + " and "
                + given(ProfileFileSystemSetting.AWS_SHARED_CREDENTIALS_FILE).orElse("~/.aws/credentials");
        Optional<Profile> found;
        try {
            found = ProfileFile.defaultProfileFile().profile(profileName);
        } catch (RuntimeException e) {
            return failing("profile '" + profileName + "'", "the AWS config files " + files + " could not be read: "
                    + e.getMessage(), "Correct or remove the file.");
        }
        Map<String, String> p = found.map(Profile::properties).orElse(Map.of());
        String kind = kind(p);
        if (!named && kind == null) {
            return null;
        }
        String name = "profile '" + profileName + "'" + (kind != null ? " (" + kind + ")" : "");
        if (found.isEmpty()) {
            return failing(name, "there is no profile '" + profileName + "' in " + files,
                    "Create the profile, correct the name (AWS_PROFILE or awsProfile), or unset AWS_PROFILE.");
        }
        String role = p.getOrDefault(ProfileProperty.ROLE_ARN, p.get(ProfileProperty.SSO_ROLE_NAME));
        String fix;
        if (p.containsKey(ProfileProperty.SSO_ROLE_NAME) || p.containsKey("sso_session")) {
            fix = "The IAM Identity Center (SSO) session may have expired or never been started: run "
                    + "'aws sso login --profile " + profileName + "'.";
        } else if (p.containsKey(ProfileProperty.ROLE_ARN)) {
            fix = "Check that the profile's source_profile, credential_source or web_identity_token_file gives credentials "
                    + "allowed to call sts:AssumeRole on " + role + ", and that the role's trust policy names them.";
        } else {
            fix = "Check the profile's settings in " + files + ".";
        }
        return new CredentialsRoute(name, role, () -> ProfileCredentialsProvider.builder().profileName(profileName).build(), fix);
    }

    /** What kind of credentials a profile holds, or null when it holds none (as a region-only [default]). */
    private static String kind(Map<String, String> p) {
        if (p.containsKey(ProfileProperty.SSO_ROLE_NAME) || p.containsKey("sso_session")
                || p.containsKey(ProfileProperty.SSO_START_URL) || p.containsKey(ProfileProperty.SSO_ACCOUNT_ID)) {
            return "IAM Identity Center (SSO)";
        }
        if (p.containsKey(ProfileProperty.ROLE_ARN)) {
            return "role_arn";
        }
        if (p.containsKey(ProfileProperty.CREDENTIAL_PROCESS)) {
            return "credential_process";
        }
        if (p.containsKey(ProfileProperty.AWS_ACCESS_KEY_ID)) {
            return "access keys";
        }
        if (p.containsKey("login_session")) {
            return "aws login";
        }
        return null;
    }

    /** A route that is configured but cannot work: resolving it fails with {@code why} and {@code fix}. */
    private static CredentialsRoute failing(String name, String why, String fix) {
        return new CredentialsRoute(name, null, () -> () -> {
            throw new IllegalStateException(why);
        }, fix);
    }
}
