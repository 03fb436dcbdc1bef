package dev.iamdb.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4PresignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dsql.DsqlUtilities;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** Tokens made by the AWS SDK: its utilities (real clock) or, for a chosen instant, the presigner they use. */
final class Tokens {

    private Tokens() {
    }

    static AwsCredentials credentials(Identity id) {
        return id.sessionToken() == null ? AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())
                : AwsSessionCredentials.create(id.accessKeyId(), id.secretAccessKey(), id.sessionToken());
    }

    /** DSQL token from {@code DsqlUtilities}, for {@code admin} or any other role. */
    static String dsql(LocalIamDatabase db, Identity id, String user) {
        DsqlUtilities utilities = DsqlUtilities.builder().region(Region.of(db.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials(id))).build();
        return "admin".equals(user)
                ? utilities.generateDbConnectAdminAuthToken(b -> b.hostname(db.endpoint()).region(Region.of(db.region())))
                : utilities.generateDbConnectAuthToken(b -> b.hostname(db.endpoint()).region(Region.of(db.region())));
    }

    /** RDS token from {@code RdsUtilities}. */
    static String rds(LocalIamDatabase db, Identity id, String user) {
        RdsUtilities utilities = RdsUtilities.builder().region(Region.of(db.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials(id))).build();
        return utilities.generateAuthenticationToken(b -> b.hostname(db.endpoint()).port(db.endpointPort()).username(user));
    }

    /** A token with every part chosen by the test, signed exactly as the SDK utilities sign. */
    static Presign presign(Identity id) {
        return new Presign(id);
    }

    /** Builder of presigned tokens; defaults to a DSQL admin token for us-east-1. */
    static final class Presign {
        private final Identity identity;
        private String service = "dsql";
        private String region = "us-east-1";
        private String host = "example.dsql.us-east-1.on.aws";
        private Integer port;
        private String action = "DbConnectAdmin";
        private String dbUser;
        private Instant at = Instant.now();
        private Duration expires = Duration.ofSeconds(900);

        Presign(Identity identity) {
            this.identity = identity;
        }

        Presign forDatabase(LocalIamDatabase db) {
            host = db.endpoint();
            region = db.region();
            service = db.service().signingName();
            if (db.service() == Service.RDS) {
                port = db.endpointPort();
                action = "connect";
            }
            return this;
        }

        Presign service(String v) { service = v; return this; }
        Presign region(String v) { region = v; return this; }
        Presign host(String v) { host = v; return this; }
        Presign port(Integer v) { port = v; return this; }
        Presign action(String v) { action = v; return this; }
        Presign dbUser(String v) { dbUser = v; return this; }
        Presign at(Instant v) { at = v; return this; }
        Presign expires(Duration v) { expires = v; return this; }

        @SuppressWarnings("deprecation")
        String sign() {
            SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET).protocol("https")
                    .host(host).encodedPath("/");
            if (port != null) {
                request.port(port);
            }
            if (dbUser != null) {
                request.putRawQueryParameter("DBUser", dbUser);
            }
            request.putRawQueryParameter("Action", action);
            Aws4PresignerParams params = Aws4PresignerParams.builder()
                    .signingClockOverride(Clock.fixed(at, ZoneOffset.UTC))
                    .expirationTime(at.plus(expires))
                    .awsCredentials(credentials(identity))
                    .signingName(service)
                    .signingRegion(Region.of(region))
                    .build();
            String uri = Aws4Signer.create().presign(request.build(), params).getUri().toString();
            return uri.substring("https://".length());
        }
    }
}
