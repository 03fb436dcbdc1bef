package dev.iamdb;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Presigns {@code GET https://host/?Action=…} with SigV4 the way the SDK's {@code DsqlUtilities} and
 * {@code RdsUtilities} do, but through the SDK signer's public presign parameters so the signing
 * instant comes from iamdb's clock: the cache then knows exactly when a token expires, and tests can
 * sign at a fixed instant.
 */
final class TokenSigner {
    private static final int HTTPS_PORT = 443;
    /**
     * The parameter order of the SDK utilities' tokens. The signature does not depend on it, but
     * byte-identical tokens make iamdb's output comparable with the SDK's and with published vectors.
     */
    private static final List<String> QUERY_ORDER = List.of("DBUser", "Action", "X-Amz-Security-Token",
            "X-Amz-Algorithm", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires", "X-Amz-Credential", "X-Amz-Signature");

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final SdkHttpRequest request;
    private final IamConfig config;

    TokenSigner(IamConfig config) {
        this.config = config;
        SdkHttpRequest.Builder b = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(config.signedHost())
                .encodedPath("/");
        if (config.service() == IamService.RDS) {
            b.port(config.signedPort())
                    .putRawQueryParameter("DBUser", config.user());
        }
        this.request = b.putRawQueryParameter("Action", config.action()).build();
    }

    /**
     * Signs a token valid from {@code at} (whole seconds) for the configured lifetime; with {@code iamLogin=session-token}
     * the password is the credentials' session token instead.
     */
    String sign(AwsCredentialsIdentity credentials, Instant at) {
        if (config.sessionTokenLogin()) {
            if (credentials instanceof AwsSessionCredentialsIdentity session) {
                return session.sessionToken();
            }
            throw new IllegalStateException("iamLogin=session-token sends the credentials' session token as the password, "
                    + "but the credentials from " + config.credentialsSource() + " are long-term access keys, which have none; "
                    + "use temporary credentials: an assumed role, SSO, or an instance, task or pod role");
        }
        Clock fixed = Clock.fixed(at, ZoneOffset.UTC);
        SdkHttpRequest signed = signer.sign(r -> r
                        .identity(credentials)
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, config.service().signingName())
                        .putProperty(AwsV4HttpSigner.REGION_NAME, config.region())
                        .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4HttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, config.tokenLifetime())
                        .putProperty(HttpSigner.SIGNING_CLOCK, fixed))
                .request();
        StringBuilder token = new StringBuilder(512).append(config.signedHost());
        if (config.service() == IamService.RDS && config.signedPort() != HTTPS_PORT) {
            token.append(':').append(config.signedPort());
        }
        token.append("/?");
        Map<String, List<String>> query = signed.rawQueryParameters();
        int written = 0;
        for (String name : QUERY_ORDER) {
            List<String> values = query.get(name);
            if (values != null) {
                token.append(name).append('=').append(SdkHttpUtils.urlEncode(values.get(0))).append('&');
                written++;
            }
        }
        if (written != query.size()) {
            // Dropping a signed parameter would yield a token every server rejects.
            throw new IllegalStateException("The SDK signer added query parameters iamdb does not know: " + query.keySet());
        }
        token.setLength(token.length() - 1);
        return token.toString();
    }
}
