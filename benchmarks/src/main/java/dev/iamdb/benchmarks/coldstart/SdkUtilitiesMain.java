package dev.iamdb.benchmarks.coldstart;

import java.sql.DriverManager;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * What an application writes by hand: the SDK's token utilities with the default credentials chain, and the token
 * as pgjdbc's password. {@code SdkUtilitiesMain dsql|rds jdbc:postgresql://… USER ENDPOINT PORT}; the region comes
 * from {@code AWS_REGION}.
 */
public final class SdkUtilitiesMain {
    private SdkUtilitiesMain() {
    }

    public static void main(String[] args) throws Exception {
        Region region = Region.of(System.getenv("AWS_REGION"));
        DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        String token;
        if (args[0].equals("dsql")) {
            DsqlUtilities dsql = DsqlUtilities.builder().region(region).credentialsProvider(credentials).build();
            token = dsql.generateDbConnectAdminAuthToken(b -> b.hostname(args[3]).region(region));
        } else {
            RdsUtilities rds = RdsUtilities.builder().region(region).credentialsProvider(credentials).build();
            token = rds.generateAuthenticationToken(b -> b.hostname(args[3]).port(Integer.parseInt(args[4]))
                    .username(args[2]).region(region));
        }
        Child.report(DriverManager.getConnection(args[1], args[2], token));
    }
}
