package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** Decoding the published vectors and iamdb's own tokens, and rejecting broken ones without leaking secrets. */
class AuthTokenTest {
    private static final String RDS_SIGNATURE = "87ab58107ef49f1c311a412f98b7f976b0b5152ffb559f0d36c6c9a0c5e0e362";
    private static final String RDS_VECTOR = "host.us-east-1.amazonaws.com:3306/?DBUser=mySQLUser&Action=connect"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20161107T173933Z&X-Amz-SignedHeaders=host"
            + "&X-Amz-Expires=900&X-Amz-Credential=access_key%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
            + "&X-Amz-Signature=" + RDS_SIGNATURE;
    private static final String DSQL_SIGNATURE = "57fe03e060348aaa21405c239bf02572bbc911076e94dcd65c12ae569dd8fcf4";
    /** The published DSQL session-credentials vector, laid out as the SDK's DsqlUtilities writes it. */
    private static final String DSQL_SESSION_VECTOR = "test.dsql.us-east-1.on.aws/?Action=DbConnect"
            + "&X-Amz-Security-Token=SESSION_TOKEN&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20241107T173933Z"
            + "&X-Amz-SignedHeaders=host&X-Amz-Expires=900"
            + "&X-Amz-Credential=ACCESS_KEY%2F20241107%2Fus-east-1%2Fdsql%2Faws4_request&X-Amz-Signature=" + DSQL_SIGNATURE;

    @Test
    void decodesTheRdsVector() {
        AuthToken t = AuthToken.parse(RDS_VECTOR);
        assertThat(t.host()).isEqualTo("host.us-east-1.amazonaws.com");
        assertThat(t.port()).isEqualTo(OptionalInt.of(3306));
        assertThat(t.service()).isEqualTo("rds-db");
        assertThat(t.region()).isEqualTo("us-east-1");
        assertThat(t.action()).isEqualTo("connect");
        assertThat(t.user()).isEqualTo("mySQLUser");
        assertThat(t.accessKeyId()).isEqualTo("access_key");
        assertThat(t.hasSessionToken()).isFalse();
        assertThat(t.signedAt()).isEqualTo(Instant.parse("2016-11-07T17:39:33Z"));
        assertThat(t.expiresAt()).isEqualTo(Instant.parse("2016-11-07T17:54:33Z"));
    }

    @Test
    void decodesADsqlTokenWithoutPortOrUser() {
        // Signing it again proves the string above is the published vector, not a look-alike.
        IamConfig config = IamConfig.builder().host("test.dsql.us-east-1.on.aws").property("user", "app").build();
        assertThat(new TokenSigner(config).sign(AwsSessionCredentials.create("ACCESS_KEY", "SECRET_KEY", "SESSION_TOKEN"),
                Instant.parse("2024-11-07T17:39:33Z"))).isEqualTo(DSQL_SESSION_VECTOR);
        AuthToken t = AuthToken.parse(DSQL_SESSION_VECTOR);
        assertThat(t.host()).isEqualTo("test.dsql.us-east-1.on.aws");
        assertThat(t.port()).isEmpty();
        assertThat(t.service()).isEqualTo("dsql");
        assertThat(t.action()).isEqualTo("DbConnect");
        assertThat(t.user()).isNull();
        assertThat(t.accessKeyId()).isEqualTo("ACCESS_KEY");
        assertThat(t.hasSessionToken()).isTrue();
        assertThat(t.expiresAt()).isEqualTo(Instant.parse("2024-11-07T17:54:33Z"));
    }

    @Test
    void expiryIsJudgedByTheGivenClock() {
        AuthToken t = AuthToken.parse(RDS_VECTOR);
        assertThat(t.isExpired(at("2016-11-07T17:54:32Z"))).isFalse();
        assertThat(t.isExpired(at("2016-11-07T17:54:33Z"))).isTrue();
        assertThat(t.isExpired(Clock.systemUTC())).isTrue();
    }

    @Test
    void toStringShowsFieldsButNoSecrets() {
        String shown = AuthToken.parse(DSQL_SESSION_VECTOR).toString();
        assertThat(shown).contains("test.dsql.us-east-1.on.aws", "dsql", "DbConnect", "ACCESS_KEY", "sessionToken=yes")
                .doesNotContain(DSQL_SIGNATURE, "SESSION_TOKEN");
    }

    /** Real session tokens hold '/', '+' and '='; the signer percent-encodes them and the decoder must not mangle the rest. */
    @Test
    void roundTripsATokenSignedByIamdb() {
        IamConfig config = IamConfig.builder().host("mydb.c0abcdefghij.rds.cn-north-1.amazonaws.com.cn").port(5432)
                .property("user", "app user+1").build();
        String token = new TokenSigner(config).sign(
                AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "FwoG/ab+c=="), Instant.parse("2025-01-02T03:04:05Z"));
        AuthToken t = AuthToken.parse(token);
        assertThat(t.host()).isEqualTo("mydb.c0abcdefghij.rds.cn-north-1.amazonaws.com.cn");
        assertThat(t.port()).isEqualTo(OptionalInt.of(5432));
        assertThat(t.region()).isEqualTo("cn-north-1");
        assertThat(t.user()).isEqualTo("app user+1");
        assertThat(t.accessKeyId()).isEqualTo("ASIAEXAMPLE");
        assertThat(t.hasSessionToken()).isTrue();
        assertThat(t.signedAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
    }

    @Test
    void acceptsACopiedSchemeAndSurroundingWhitespace() {
        assertThat(AuthToken.parse("  https://" + RDS_VECTOR + "\n").host()).isEqualTo("host.us-east-1.amazonaws.com");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no query          | host.us-east-1.amazonaws.com:3306                                  | '/?'",
        "no host           | /?Action=connect                                                   | '/?'",
        "bad host          | ho st/?Action=connect                                              | space",
        "bad port          | host:99999/?Action=connect                                         | port",
        "port not a number | host:abc/?Action=connect                                           | port",
        "empty parameter   | host/?Action=connect&&X-Amz-Date=1                                 | empty",
        "no action         | host/?X-Amz-Date=20161107T173933Z                                  | Action",
        "no signature      | host/?Action=connect&X-Amz-Algorithm=AWS4-HMAC-SHA256              | X-Amz-Signature",
        "bad percent       | host/?Action=conn%4&X-Amz-Signature=abc                            | Action",
    })
    void rejectsMalformedTokensNamingThePart(String why, String token, String named) {
        assertThatIllegalArgumentException().isThrownBy(() -> AuthToken.parse(token)).withMessageContaining(named);
    }

    @Test
    void rejectsMissingOrBrokenSigningFields() {
        assertRejected(RDS_VECTOR.replace("&X-Amz-Date=20161107T173933Z", ""), "X-Amz-Date");
        assertRejected(RDS_VECTOR.replace("20161107T173933Z", "2016-11-07T17:39:33Z"), "X-Amz-Date");
        assertRejected(RDS_VECTOR.replace("X-Amz-Expires=900", "X-Amz-Expires=soon"), "X-Amz-Expires");
        assertRejected(RDS_VECTOR.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"), "X-Amz-Algorithm");
        assertRejected(RDS_VECTOR.replace("%2Faws4_request", ""), "X-Amz-Credential");
        assertRejected(RDS_VECTOR.replace("access_key%2F20161107", "access_key%2F20161108"), "X-Amz-Credential");
        assertRejected(RDS_VECTOR.replace("Action=connect", "Action=connect&Action=connect"), "Action");
        assertRejected("", "empty");
        assertRejected(null, "empty");
    }

    @Test
    void messagesNeverRepeatTheSignatureOrSessionToken() {
        String broken = DSQL_SESSION_VECTOR.replace("X-Amz-Expires=900", "X-Amz-Expires=");
        assertThatIllegalArgumentException().isThrownBy(() -> AuthToken.parse(broken))
                .withMessageContaining("X-Amz-Expires")
                .withMessageNotContaining(DSQL_SIGNATURE)
                .withMessageNotContaining("SESSION_TOKEN");
        String badSessionToken = DSQL_SESSION_VECTOR.replace("SESSION_TOKEN", "SESSION_TOKEN%G1");
        assertThatIllegalArgumentException().isThrownBy(() -> AuthToken.parse(badSessionToken))
                .withMessageContaining("X-Amz-Security-Token")
                .withMessageNotContaining("SESSION_TOKEN%")
                .withMessageNotContaining(DSQL_SIGNATURE);
    }

    private static void assertRejected(String token, String named) {
        assertThatIllegalArgumentException().isThrownBy(() -> AuthToken.parse(token)).withMessageContaining(named);
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
