package dev.iamdb.testkit.mysql;

import dev.iamdb.testkit.Identity;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** RDS tokens made by the AWS SDK's own {@code RdsUtilities}; the gateway checks them with its own code. */
final class Tokens {

    private Tokens() {
    }

    /** A token for {@code user} at {@code db}'s endpoint, signed now by {@code db.identity()}. */
    static String rds(LocalIamMysqlDatabase db, String user) {
        return rds(db, db.identity(), db.region(), user);
    }

    static String rds(LocalIamMysqlDatabase db, Identity id, String region, String user) {
        RdsUtilities utilities = RdsUtilities.builder().region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
                .build();
        return utilities.generateAuthenticationToken(b -> b.hostname(db.endpoint()).port(db.endpointPort()).username(user));
    }
}
