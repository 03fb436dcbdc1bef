package dev.iamdb.jooq;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Fixed fake credentials, named by class in {@code awsCredentialsProvider} so that iamdb creates (and
 * must close) the provider; every instance is recorded so a test can see whether it was closed.
 */
public final class RecordingCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
    static final List<RecordingCredentialsProvider> CREATED = new CopyOnWriteArrayList<>();

    private volatile boolean closed;

    public RecordingCredentialsProvider() {
        CREATED.add(this);
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return AwsBasicCredentials.create(IamDslTest.IDENTITY.accessKeyId(), IamDslTest.IDENTITY.secretAccessKey());
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
