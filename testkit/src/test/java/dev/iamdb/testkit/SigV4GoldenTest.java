package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier's own SigV4 code against the vectors published in the AWS SDK and botocore tests. */
class SigV4GoldenTest {

    private static final Instant RDS_AT = Instant.parse("2016-11-07T17:39:33Z");
    private static final Instant DSQL_AT = Instant.parse("2024-11-07T17:39:33Z");

    @Test
    void rdsVectorFromSdkTests() {
        String token = "host.us-east-1.amazonaws.com:3306/?DBUser=mySQLUser&Action=connect&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Date=20161107T173933Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900"
                + "&X-Amz-Credential=access_key%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
                + "&X-Amz-Signature=87ab58107ef49f1c311a412f98b7f976b0b5152ffb559f0d36c6c9a0c5e0e362";
        TokenVerifier verifier = new TokenVerifier(Service.RDS, "host.us-east-1.amazonaws.com", 3306, "us-east-1",
                List.of(Identity.of("access_key", "secret_key", "arn:aws:iam::123456789012:user/x")), new ManualClock(RDS_AT));

        assertThat(accepts(verifier, token, "mySQLUser")).isTrue();
        assertThatThrownBy(() -> verifier.verify(token.replace("87ab5", "87ab6"), "mySQLUser"))
                .hasMessage("signature does not match");
    }

    /** "get-vanilla" of AWS's SigV4 test suite: the header signature the local STS checks. */
    @Test
    void headerSignatureVectorFromTheSigV4TestSuite() {
        assertThat(SigV4.headerSignature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "GET", "/", List.of(),
                List.of("host", "x-amz-date"), Map.of("host", "example.amazonaws.com", "x-amz-date", "20150830T123600Z"),
                SigV4.EMPTY_PAYLOAD_SHA256, "20150830T123600Z", "us-east-1", "service"))
                .isEqualTo("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    @Test
    void rdsVectorFromBotocoreTests() {
        assertThat(rdsSignature("akid", "skid", "prod-instance.us-east-1.rds.amazonaws.com:3306", "someusername"))
                .isEqualTo("d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61");
    }

    @Test
    void dsqlVectors() {
        assertThat(dsqlSignature("access_key", "secret_key", null, "DbConnect", "900"))
                .isEqualTo("e319d85380261f643d78a558f76257f05aacea758a6ccd42a2510e2ae0854a47");
        assertThat(dsqlSignature("access_key", "secret_key", null, "DbConnectAdmin", "900"))
                .isEqualTo("a08adc4c84a490014ce374b90c98ba9ed015b77b451c0d9f9fb3f8ca8c6f9c36");
        assertThat(dsqlSignature("access_key", "secret_key", null, "DbConnect", "3600"))
                .isEqualTo("63987ab6908fe81bfcaa5a5120444a8d012751992bcdfec351522db555232c51");
    }

    @Test
    void dsqlVectorWithSessionCredentials() {
        assertThat(dsqlSignature("ACCESS_KEY", "SECRET_KEY", "SESSION_TOKEN", "DbConnect", "900"))
                .isEqualTo("57fe03e060348aaa21405c239bf02572bbc911076e94dcd65c12ae569dd8fcf4");
    }

    @Test
    void sdkPresignerAgreesWithTheVectorsSoTestTokensAreRealOnes() {
        String token = Tokens.presign(Identity.of("access_key", "secret_key", "arn:aws:iam::1:user/x"))
                .host("test.dsql.us-east-1.on.aws").action("DbConnect").at(DSQL_AT).sign();
        assertThat(token).endsWith("X-Amz-Signature=e319d85380261f643d78a558f76257f05aacea758a6ccd42a2510e2ae0854a47");
    }

    @Test
    void canonicalQueryEncodesPerRfc3986AndSortsByKey() {
        assertThat(SigV4.canonicalQuery(List.of(Map.entry("b", "a b+c/~"), Map.entry("A", "é"))))
                .isEqualTo("A=%C3%A9&b=a%20b%2Bc%2F~");
    }

    private static boolean accepts(TokenVerifier verifier, String token, String user) {
        try {
            verifier.verify(token, user);
            return true;
        } catch (LoginRejected e) {
            throw new AssertionError(e.getMessage());
        }
    }

    private static String rdsSignature(String key, String secret, String host, String user) {
        return SigV4.presignedSignature(secret, host, List.of(
                Map.entry("Action", "connect"), Map.entry("DBUser", user),
                Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                Map.entry("X-Amz-Credential", key + "/20161107/us-east-1/rds-db/aws4_request"),
                Map.entry("X-Amz-Date", "20161107T173933Z"), Map.entry("X-Amz-Expires", "900"),
                Map.entry("X-Amz-SignedHeaders", "host")), "20161107T173933Z", "us-east-1", "rds-db");
    }

    private static String dsqlSignature(String key, String secret, String sessionToken, String action, String expires) {
        List<Map.Entry<String, String>> params = new java.util.ArrayList<>(List.of(
                Map.entry("Action", action),
                Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                Map.entry("X-Amz-Credential", key + "/20241107/us-east-1/dsql/aws4_request"),
                Map.entry("X-Amz-Date", "20241107T173933Z"), Map.entry("X-Amz-Expires", expires),
                Map.entry("X-Amz-SignedHeaders", "host")));
        if (sessionToken != null) {
            params.add(Map.entry("X-Amz-Security-Token", sessionToken));
        }
        return SigV4.presignedSignature(secret, "test.dsql.us-east-1.on.aws", params, "20241107T173933Z", "us-east-1",
                "dsql");
    }
}
