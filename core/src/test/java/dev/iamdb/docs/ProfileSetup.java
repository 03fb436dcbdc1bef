package dev.iamdb.docs;

import dev.iamdb.IamConfig;
import dev.iamdb.IamPooledDataSource;

/** The local-development snippet of docs/aws-setup.md, compiled and run by {@link AwsSetupGuideTest}. */
final class ProfileSetup {
    static final String URL = "jdbc:postgresql://<cluster-id>.dsql.us-east-1.on.aws:5432/postgres";

    /** Signs with the keys of profile orders-dev instead of the route the environment configures. */
    static IamPooledDataSource ordersDev(String url) {
        IamConfig config = IamConfig.builder()
                .url(url)
                .property("user", "app")
                .property("awsProfile", "orders-dev")
                .build();
        return new IamPooledDataSource(config);
    }
}
