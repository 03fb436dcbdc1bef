package dev.iamdb.docs;

import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;

/** aws-setup.md's awsRoleArn recipe, as the guide shows it; {@code AssumeRoleTest} runs it against the local STS. */
public final class AssumeRoleSetup {
    private AssumeRoleSetup() {
    }

    /** Signs as role orders-db, assumed with the credentials this process would otherwise use. */
    public static IamPooledDataSource ordersAsRole(String url) {
        IamConfig config = IamConfig.builder()
                .url(url)
                .property("user", "orders")
                .property("awsRoleArn", "arn:aws:iam::123456789012:role/orders-db")
                .property("awsExternalId", "orders-7f3a")
                .build();
        return new IamPooledDataSource(config);
    }
}
