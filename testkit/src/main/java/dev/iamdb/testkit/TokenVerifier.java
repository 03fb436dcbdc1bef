package dev.iamdb.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks an IAM auth token the way Aurora DSQL or RDS would: signature by a known identity, credential
 * scope (service, region), signed host and port, validity window and action. Role checks that need the
 * database are left to {@link RoleDirectory}. Public for the MySQL gateway of {@code iamdb-testkit-mysql}, which
 * checks RDS tokens the same way.
 */
public final class TokenVerifier {

    /** Clock skew tolerated in either direction, as AWS tolerates a few seconds. */
    static final Duration SKEW = Duration.ofSeconds(5);
    static final int RDS_EXPIRES = 900;
    static final int DSQL_MAX_EXPIRES = 604_800;

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    private final Service service;
    private final String endpoint;
    private final int endpointPort;
    private final String region;
    private final Map<String, Identity> identitiesByAccessKey;
    private final LocalAws aws;
    private final Clock clock;

    /**
     * A verifier for tokens signed for {@code endpoint} (and, for RDS, {@code endpointPort}; 443 is signed without a
     * port) in {@code region} by one of {@code identities}, valid at {@code clock}'s time.
     */
    public TokenVerifier(Service service, String endpoint, int endpointPort, String region, List<Identity> identities,
            Clock clock) {
        this(service, endpoint, endpointPort, region, identities, null, clock);
    }

    /**
     * As {@link #TokenVerifier(Service, String, int, String, List, Clock)}, also accepting what {@code aws} (may be
     * null) has issued: its user's keys, and its sessions until they expire by {@code aws}'s clock.
     */
    public TokenVerifier(Service service, String endpoint, int endpointPort, String region, List<Identity> identities,
            LocalAws aws, Clock clock) {
        this.aws = aws;
        this.service = service;
        this.endpoint = endpoint;
        this.endpointPort = endpointPort;
        this.region = region;
        this.identitiesByAccessKey = identities.stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Identity::accessKeyId, i -> i));
        this.clock = clock;
    }

    /** The access key id of a token, for the decision log, or null when it cannot be read. */
    public static String accessKeyIdOf(String token) {
        try {
            String credential = AuthToken.parse(token).params.get("X-Amz-Credential");
            int slash = credential == null ? -1 : credential.indexOf('/');
            return slash > 0 ? credential.substring(0, slash) : null;
        } catch (LoginRejected e) {
            return null;
        }
    }

    /** Returns the identity that signed {@code token} if it lets {@code user} log in, else throws with the reason. */
    public Identity verify(String token, String user) throws LoginRejected {
        AuthToken t = AuthToken.parse(token);
        if (!SigV4.ALGORITHM.equals(t.require("X-Amz-Algorithm"))) {
            throw new LoginRejected("unsupported X-Amz-Algorithm; expected " + SigV4.ALGORITHM);
        }
        if (!"host".equals(t.require("X-Amz-SignedHeaders"))) {
            throw new LoginRejected("X-Amz-SignedHeaders must be host");
        }
        String amzDate = t.require("X-Amz-Date");
        String[] scope = t.require("X-Amz-Credential").split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4]) || scope[0].isEmpty()) {
            throw new LoginRejected("malformed token: X-Amz-Credential is not <key>/<date>/<region>/<service>/aws4_request");
        }
        Instant signedAt = parseAmzDate(amzDate);
        if (!amzDate.startsWith(scope[1]) || scope[1].length() != 8) {
            throw new LoginRejected("credential scope date does not match X-Amz-Date");
        }
        Identity identity = identitiesByAccessKey.get(scope[0]);
        if (identity == null && aws != null) {
            identity = aws.identityForLogin(scope[0]);
        }
        if (identity == null) {
            throw new LoginRejected("unknown access key id");
        }
        String expected = SigV4.presignedSignature(identity.secretAccessKey(), t.signedHost, t.unsignedParams, amzDate,
                scope[2], scope[3]);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                t.signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new LoginRejected("signature does not match");
        }
        String securityToken = t.params.get("X-Amz-Security-Token");
        if (identity.sessionToken() == null ? securityToken != null
                : securityToken == null || !MessageDigest.isEqual(identity.sessionToken().getBytes(StandardCharsets.UTF_8),
                        securityToken.getBytes(StandardCharsets.UTF_8))) {
            throw new LoginRejected("security token does not match the credentials");
        }
        if (aws != null) {
            aws.requireLive(scope[0]);
        }
        if (!service.signingName().equals(scope[3])) {
            throw new LoginRejected("wrong service '" + scope[3] + "'; this endpoint expects '" + service.signingName() + "'");
        }
        if (!region.equals(scope[2])) {
            throw new LoginRejected("wrong region '" + scope[2] + "'; this endpoint is in '" + region + "'");
        }
        checkHost(t.signedHost);
        checkValidity(signedAt, t.require("X-Amz-Expires"));
        checkAction(t, user);
        return identity;
    }

    private void checkHost(String signedHost) throws LoginRejected {
        int colon = signedHost.lastIndexOf(':');
        String host = colon < 0 ? signedHost : signedHost.substring(0, colon);
        String port = colon < 0 ? null : signedHost.substring(colon + 1);
        if (!host.equalsIgnoreCase(endpoint)) {
            throw new LoginRejected("wrong host: token is signed for '" + host + "', not for '" + endpoint + "'");
        }
        if (service == Service.DSQL) {
            if (port != null) {
                throw new LoginRejected("wrong host: a DSQL token signs the host without a port");
            }
            return;
        }
        String expectedPort = endpointPort == 443 ? null : Integer.toString(endpointPort);
        if (port == null ? expectedPort != null : !port.equals(expectedPort)) {
            throw new LoginRejected("wrong port: token is signed for port " + (port == null ? "443 (none given)" : port)
                    + ", not for " + endpointPort);
        }
    }

    private void checkValidity(Instant signedAt, String expiresText) throws LoginRejected {
        int expires;
        try {
            expires = Integer.parseInt(expiresText);
        } catch (NumberFormatException e) {
            throw new LoginRejected("malformed token: X-Amz-Expires is not a number");
        }
        if (service == Service.RDS ? expires != RDS_EXPIRES : expires < 1 || expires > DSQL_MAX_EXPIRES) {
            throw new LoginRejected("X-Amz-Expires " + expires + " not accepted; expected "
                    + (service == Service.RDS ? "900" : "1 to 604800"));
        }
        Instant now = clock.instant();
        if (signedAt.isAfter(now.plus(SKEW))) {
            throw new LoginRejected("token is dated in the future (" + signedAt + ")");
        }
        if (now.isAfter(signedAt.plusSeconds(expires).plus(SKEW))) {
            throw new LoginRejected("token expired at " + signedAt.plusSeconds(expires));
        }
    }

    private void checkAction(AuthToken t, String user) throws LoginRejected {
        String action = t.require("Action");
        if (service == Service.DSQL) {
            String expected = "admin".equals(user) ? "DbConnectAdmin" : "DbConnect";
            if (!expected.equals(action)) {
                throw new LoginRejected("wrong action " + action + " for user " + user + "; expected " + expected);
            }
        } else {
            if (!"connect".equals(action)) {
                throw new LoginRejected("wrong action " + action + "; expected connect");
            }
            if (!user.equals(t.params.get("DBUser"))) {
                throw new LoginRejected("DBUser does not match the user name");
            }
        }
    }

    private static Instant parseAmzDate(String amzDate) throws LoginRejected {
        try {
            return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new LoginRejected("malformed token: X-Amz-Date is not yyyyMMdd'T'HHmmss'Z'");
        }
    }
}
