package dev.iamdb.examples;

import dev.iamdb.testkit.Identity;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The fake credentials the local IAM-verifying PostgreSQL trusts, named by class in the local target's URL
 * ({@code awsCredentialsProvider=dev.iamdb.examples.LocalCredentials}) because Hibernate properties, MyBatis
 * XML and JDBC URLs can only name a provider, not hand one over. Never valid in AWS.
 */
public final class LocalCredentials implements AwsCredentialsProvider {
    /** The identity the local server is started with; its principal is what roles are granted to. */
    static final Identity IDENTITY = Identity.of("AKIAIAMDBEXAMPLES001", "iamdb-examples-fake-secret-not-valid-in-aws",
            "arn:aws:iam::123456789012:role/iamdb-examples");

    @Override
    public AwsCredentials resolveCredentials() {
        return AwsBasicCredentials.create(IDENTITY.accessKeyId(), IDENTITY.secretAccessKey());
    }
}
