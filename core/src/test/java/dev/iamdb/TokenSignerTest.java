package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** The published SDK and botocore vectors, byte for byte, and agreement with the SDK's own utilities. */
class TokenSignerTest {
    private static final Instant RDS_VECTOR_TIME = Instant.parse("2016-11-07T17:39:33Z");
    private static final Instant DSQL_VECTOR_TIME = Instant.parse("2024-11-07T17:39:33Z");
    private static final String DSQL_HOST = "test.dsql.us-east-1.on.aws";
    private static final AwsCredentialsIdentity BASIC = AwsBasicCredentials.create("access_key", "secret_key");

    private static String sign(AwsCredentialsIdentity credentials, Instant at, String... settings) {
        IamConfig.Builder b = IamConfig.builder();
        for (int i = 0; i < settings.length; i += 2) {
            b.property(settings[i], settings[i + 1]);
        }
        IamConfig config = b.build();
        return new TokenSigner(config).sign(credentials, at);
    }

    private static String signature(String token) {
        return token.substring(token.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
    }

    @Test
    void rdsVectorWithExplicitServiceAndRegion() {
        String token = sign(BASIC, RDS_VECTOR_TIME, "iamHost", "host.us-east-1.amazonaws.com", "iamDefaultPort", "3306",
                "iamService", "rds", "iamRegion", "us-east-1", "user", "mySQLUser");
        assertThat(token).isEqualTo("host.us-east-1.amazonaws.com:3306/?DBUser=mySQLUser&Action=connect"
                + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20161107T173933Z&X-Amz-SignedHeaders=host"
                + "&X-Amz-Expires=900&X-Amz-Credential=access_key%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
                + "&X-Amz-Signature=87ab58107ef49f1c311a412f98b7f976b0b5152ffb559f0d36c6c9a0c5e0e362");
    }

    @Test
    void rdsVectorForAnInstanceEndpoint() {
        String token = sign(AwsBasicCredentials.create("akid", "skid"), RDS_VECTOR_TIME,
                "iamHost", "prod-instance.us-east-1.rds.amazonaws.com", "iamDefaultPort", "3306", "user", "someusername");
        assertThat(signature(token)).isEqualTo("d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61");
    }

    @Test
    void dsqlVectors() {
        assertThat(signature(sign(BASIC, DSQL_VECTOR_TIME, "iamHost", DSQL_HOST, "user", "app")))
                .isEqualTo("e319d85380261f643d78a558f76257f05aacea758a6ccd42a2510e2ae0854a47");
        assertThat(signature(sign(BASIC, DSQL_VECTOR_TIME, "iamHost", DSQL_HOST, "user", "admin")))
                .isEqualTo("a08adc4c84a490014ce374b90c98ba9ed015b77b451c0d9f9fb3f8ca8c6f9c36");
        assertThat(signature(sign(BASIC, DSQL_VECTOR_TIME, "iamHost", DSQL_HOST, "user", "app", "iamTokenLifetime", "3600")))
                .isEqualTo("63987ab6908fe81bfcaa5a5120444a8d012751992bcdfec351522db555232c51");
    }

    @Test
    void dsqlVectorWithSessionCredentials() {
        AwsCredentialsIdentity session = AwsSessionCredentials.create("ACCESS_KEY", "SECRET_KEY", "SESSION_TOKEN");
        String token = sign(session, DSQL_VECTOR_TIME, "iamHost", DSQL_HOST, "user", "app");
        assertThat(token).contains("X-Amz-Security-Token=SESSION_TOKEN");
        assertThat(signature(token)).isEqualTo("57fe03e060348aaa21405c239bf02572bbc911076e94dcd65c12ae569dd8fcf4");
    }

    /** The SDK utilities read the real clock; re-signing at the instant they stamped must give the same string. */
    @Test
    void matchesDsqlUtilitiesAtTheSameInstant() {
        DsqlUtilities utilities = DsqlUtilities.builder().region(Region.EU_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))).build();
        String host = "abcdefghijklmnopqrstuvwxyz.dsql.eu-west-2.on.aws";
        String theirs = utilities.generateDbConnectAdminAuthToken(b -> b.hostname(host));
        String ours = sign(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"), stampOf(theirs), "iamHost", host, "user", "admin");
        assertThat(ours).isEqualTo(theirs);
    }

    @Test
    void matchesRdsUtilitiesAtTheSameInstant() {
        RdsUtilities utilities = RdsUtilities.builder().region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "tok"))).build();
        String host = "mydb.cluster-c0abcdefghij.us-west-2.rds.amazonaws.com";
        String theirs = utilities.generateAuthenticationToken(b -> b.hostname(host).port(5432).username("app_user"));
        String ours = sign(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "tok"), stampOf(theirs), "iamHost", host, "user", "app_user");
        assertThat(ours).isEqualTo(theirs);
    }

    /** A MySQL URL without a port signs 3306, as RDS for MySQL listens and as the SDK signs it. */
    @Test
    void aMysqlUrlMatchesRdsUtilitiesForPort3306() {
        RdsUtilities utilities = RdsUtilities.builder().region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))).build();
        String host = "mydb.c0abcdefghij.eu-west-1.rds.amazonaws.com";
        String theirs = utilities.generateAuthenticationToken(b -> b.hostname(host).port(3306).username("app_user"));
        for (String url : new String[] {"jdbc:mysql://" + host + "/app", "jdbc:iamdb:mariadb://" + host}) {
            IamConfig config = IamConfig.builder().url(url).property("user", "app_user").build();
            assertThat(new TokenSigner(config).sign(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"), stampOf(theirs)))
                    .as(url).isEqualTo(theirs);
        }
    }

    private static Instant stampOf(String token) {
        String date = token.replaceAll(".*X-Amz-Date=(\\d{8}T\\d{6}Z).*", "$1");
        return Instant.parse(date.substring(0, 4) + "-" + date.substring(4, 6) + "-" + date.substring(6, 11) + ":"
                + date.substring(11, 13) + ":" + date.substring(13));
    }
}
