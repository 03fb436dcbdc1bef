package dev.iamdb.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@link LocalAws}: one loopback server whose paths are STS ({@code POST /}), the instance metadata
 * service ({@code /latest/…}), the container credentials endpoint ({@code /v1/credentials} as EKS Pod Identity,
 * {@code /ecs/credentials/<id>} as an ECS task), the IAM Identity Center portal ({@code /federation/credentials}) and its
 * SSO OIDC token endpoint ({@code POST /token}, refreshing an {@code sso_session} login).
 * Requests are checked as AWS checks them, and refused with AWS's status codes, error codes and wording so that the
 * SDK raises the same exceptions it raises against AWS.
 */
final class AwsEndpoints implements AutoCloseable {

    static final String POD_IDENTITY_PATH = "/v1/credentials";
    static final String ECS_PATH = "/ecs/credentials/";
    static final String EXPIRED_SECURITY_TOKEN = "The security token included in the request is expired";
    static final String INVALID_SECURITY_TOKEN = "The security token included in the request is invalid.";

    private static final String STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final String STS_VERSION = "2011-06-15";
    private static final Duration REQUEST_SKEW = Duration.ofMinutes(15);
    private static final int IMDS_MAX_TTL = 21_600;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request,\\s*"
            + "SignedHeaders=([a-z0-9;_.-]+),\\s*Signature=([0-9a-f]{64})");

    private final LocalAws aws;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String instanceId = "i-0" + Identity.random("0123456789abcdef", 16);
    private final Map<String, Instant> imdsTokens = new ConcurrentHashMap<>();

    AwsEndpoints(LocalAws aws, int port) throws IOException {
        this.aws = aws;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "iamdb-local-aws");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A refusal with its HTTP status and AWS error code; the message is what AWS says. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/latest/")) {
                imds(exchange, path);
            } else if (path.equals(POD_IDENTITY_PATH) || path.startsWith(ECS_PATH)) {
                container(exchange, path);
            } else if (path.equals("/federation/credentials")) {
                portal(exchange);
            } else if (path.equals("/token")) {
                ssoOidc(exchange);
            } else if (path.equals("/")) {
                sts(exchange);
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        } catch (RuntimeException e) {
            // A bug here must show as a server error, never as a hang of the client.
            send(exchange, 500, "text/plain", "internal error: " + e);
        }
    }

    // ---- STS --------------------------------------------------------------------------------------------------

    private void sts(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange);
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                throw new Refusal(400, "InvalidAction", "Only POST requests are served by the local STS");
            }
            Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
            String action = params.getOrDefault("Action", "");
            if (!STS_VERSION.equals(params.get("Version"))) {
                throw new Refusal(400, "InvalidAction", "Could not find operation " + action + " for version "
                        + params.get("Version"));
            }
            String xml;
            switch (action) {
                case "AssumeRole":
                    xml = assumeRole(params, caller(exchange, body));
                    break;
                case "AssumeRoleWithWebIdentity":
                    xml = assumeRoleWithWebIdentity(params);
                    break;
                case "GetCallerIdentity":
                    xml = getCallerIdentity(caller(exchange, body));
                    break;
                default:
                    throw new Refusal(400, "InvalidAction", "Could not find operation " + action + " for version "
                            + STS_VERSION);
            }
            send(exchange, 200, "text/xml", xml);
        } catch (Refusal r) {
            send(exchange, r.status, "text/xml", "<ErrorResponse xmlns=\"" + STS_NAMESPACE + "\"><Error><Type>Sender</Type>"
                    + "<Code>" + r.code + "</Code><Message>" + xml(r.getMessage()) + "</Message></Error><RequestId>"
                    + UUID.randomUUID() + "</RequestId></ErrorResponse>");
        }
    }

    /** Who signed a request: the user or a live session; refused as STS refuses a bad signature or key. */
    private Caller caller(HttpExchange exchange, byte[] body) throws Refusal {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            throw new Refusal(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            throw new Refusal(400, "IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders'"
                    + " and 'Signature' parameters for AWS4-HMAC-SHA256");
        }
        String accessKeyId = m.group(1);
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        if (amzDate == null || !amzDate.startsWith(m.group(2))) {
            throw new Refusal(400, "IncompleteSignature", "Date in Credential scope does not match YYYYMMDD from ISO-8601"
                    + " version of date from HTTP");
        }
        if (!"sts".equals(m.group(4))) {
            throw new Refusal(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.");
        }
        if (!aws.region().equals(m.group(3))) {
            throw new Refusal(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '"
                    + m.group(3) + "'. ");
        }
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        if (!signedHeaders.contains("host")) {
            throw new Refusal(403, "SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new Refusal(400, "IncompleteSignature", "X-Amz-Date '" + amzDate + "' is not yyyyMMdd'T'HHmmss'Z'");
        }
        Instant now = aws.clock().instant();
        if (signedAt.isBefore(now.minus(REQUEST_SKEW))) {
            throw new Refusal(403, "SignatureDoesNotMatch", "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(REQUEST_SKEW).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(REQUEST_SKEW))) {
            throw new Refusal(403, "SignatureDoesNotMatch", "Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(REQUEST_SKEW).atOffset(ZoneOffset.UTC)) + " ("
                    + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + " + 15 min.)");
        }
        Identity identity;
        LocalAws.Session session = aws.session(accessKeyId);
        if (aws.user().accessKeyId().equals(accessKeyId)) {
            identity = aws.user();
        } else if (session != null) {
            identity = session.identity();
        } else {
            throw new Refusal(403, "InvalidClientTokenId", INVALID_SECURITY_TOKEN);
        }
        Map<String, String> headers = new HashMap<>();
        for (String name : signedHeaders) {
            List<String> values = exchange.getRequestHeaders().get(name);
            headers.put(name, values == null ? "" : String.join(",", values));
        }
        String payloadHash = exchange.getRequestHeaders().getFirst("X-Amz-Content-Sha256");
        if (payloadHash == null) {
            payloadHash = SigV4.sha256Hex(body);
        }
        String expected = SigV4.headerSignature(identity.secretAccessKey(), exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), query(exchange.getRequestURI().getRawQuery()), signedHeaders,
                headers, payloadHash, amzDate, m.group(3), m.group(4));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), m.group(6).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refusal(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the"
                    + " signature you provided. Check your AWS Secret Access Key and signing method. Consult the service"
                    + " documentation for details.");
        }
        String securityToken = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
        if (identity.sessionToken() == null ? securityToken != null
                : securityToken == null || !MessageDigest.isEqual(identity.sessionToken().getBytes(StandardCharsets.UTF_8),
                        securityToken.getBytes(StandardCharsets.UTF_8))) {
            throw new Refusal(403, "InvalidClientTokenId", INVALID_SECURITY_TOKEN);
        }
        if (session != null && !now.isBefore(session.expiration())) {
            throw new Refusal(403, "ExpiredToken", EXPIRED_SECURITY_TOKEN);
        }
        return new Caller(identity, session == null ? identity.principalArn() : session.assumedRoleArn(aws.accountId()));
    }

    /** A verified STS caller and the ARN {@code GetCallerIdentity} and refusals name it by. */
    private record Caller(Identity identity, String arn) {
    }

    private String assumeRole(Map<String, String> params, Caller caller) throws Refusal {
        String roleArn = required(params, "RoleArn");
        String sessionName = sessionName(required(params, "RoleSessionName"));
        LocalAws.Role role = roleOf(roleArn);
        if (role == null || role.externalId() != null && !role.externalId().equals(params.get("ExternalId"))) {
            throw new Refusal(403, "AccessDenied", "User: " + caller.arn() + " is not authorized to perform:"
                    + " sts:AssumeRole on resource: " + roleArn);
        }
        Duration duration = duration(params, role);
        if (caller.identity().sessionToken() != null && duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new Refusal(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit"
                    + " for roles assumed by role chaining.");
        }
        LocalAws.Session s = aws.issue(role, sessionName, duration);
        return "<AssumeRoleResponse xmlns=\"" + STS_NAMESPACE + "\"><AssumeRoleResult>" + assumedRoleUser(s)
                + credentialsXml(s) + "</AssumeRoleResult>" + metadata() + "</AssumeRoleResponse>";
    }

    private String assumeRoleWithWebIdentity(Map<String, String> params) throws Refusal {
        String roleArn = required(params, "RoleArn");
        String sessionName = sessionName(required(params, "RoleSessionName"));
        String token = required(params, "WebIdentityToken");
        LocalAws.Grant grant = aws.webIdentityGrant(token);
        if (grant == null) {
            throw new Refusal(400, "InvalidIdentityToken", "The web identity token that was passed could not be validated"
                    + " by AWS. Get a new identity token from the identity provider and then retry the request.");
        }
        if (!aws.clock().instant().isBefore(grant.expiration())) {
            throw new Refusal(400, "ExpiredTokenException", "Token expired: current date/time "
                    + aws.clock().instant().getEpochSecond() + " must be before the expiration date/time "
                    + grant.expiration().getEpochSecond());
        }
        LocalAws.Role role = roleOf(roleArn);
        if (role == null || !role.trustsWebIdentity() || !role.name().equals(grant.role())) {
            throw new Refusal(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        Duration duration = duration(params, role);
        LocalAws.Session s = aws.issue(role, sessionName, duration);
        return "<AssumeRoleWithWebIdentityResponse xmlns=\"" + STS_NAMESPACE + "\"><AssumeRoleWithWebIdentityResult>"
                + "<SubjectFromWebIdentityToken>system:serviceaccount:default:" + xml(role.name())
                + "</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>" + assumedRoleUser(s)
                + credentialsXml(s) + "<Provider>" + xml(aws.endpoint().toString()) + "</Provider>"
                + "</AssumeRoleWithWebIdentityResult>" + metadata() + "</AssumeRoleWithWebIdentityResponse>";
    }

    private String getCallerIdentity(Caller caller) {
        return "<GetCallerIdentityResponse xmlns=\"" + STS_NAMESPACE + "\"><GetCallerIdentityResult><Arn>"
                + xml(caller.arn()) + "</Arn><UserId>" + xml(caller.identity().accessKeyId()) + "</UserId><Account>"
                + aws.accountId() + "</Account></GetCallerIdentityResult>" + metadata() + "</GetCallerIdentityResponse>";
    }

    private LocalAws.Role roleOf(String roleArn) {
        String prefix = "arn:aws:iam::" + aws.accountId() + ":role/";
        return roleArn.startsWith(prefix) ? aws.role(roleArn.substring(prefix.length())) : null;
    }

    private static String sessionName(String name) throws Refusal {
        if (!SESSION_NAME.matcher(name).matches()) {
            throw new Refusal(400, "ValidationError", "1 validation error detected: Value '" + name + "' at"
                    + " 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern:"
                    + " [\\w+=,.@-]*");
        }
        return name;
    }

    private static Duration duration(Map<String, String> params, LocalAws.Role role) throws Refusal {
        String text = params.get("DurationSeconds");
        if (text == null) {
            return Duration.ofHours(1);
        }
        long seconds;
        try {
            seconds = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new Refusal(400, "ValidationError", "Value '" + text + "' at 'durationSeconds' is not a number");
        }
        if (seconds < 900) {
            throw new Refusal(400, "ValidationError", "1 validation error detected: Value '" + seconds + "' at"
                    + " 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
        }
        if (seconds > role.maxSessionDuration().getSeconds()) {
            throw new Refusal(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set"
                    + " for this role.");
        }
        return Duration.ofSeconds(seconds);
    }

    private String assumedRoleUser(LocalAws.Session s) {
        return "<AssumedRoleUser><AssumedRoleId>AROA" + roleId(s.role().name()) + ":" + xml(s.sessionName())
                + "</AssumedRoleId><Arn>" + xml(s.assumedRoleArn(aws.accountId())) + "</Arn></AssumedRoleUser>";
    }

    private static String credentialsXml(LocalAws.Session s) {
        Identity id = s.identity();
        return "<Credentials><AccessKeyId>" + id.accessKeyId() + "</AccessKeyId><SecretAccessKey>" + xml(id.secretAccessKey())
                + "</SecretAccessKey><SessionToken>" + xml(id.sessionToken()) + "</SessionToken><Expiration>"
                + s.expiration() + "</Expiration></Credentials>";
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>";
    }

    /** A stable fake unique id for a role name, as IAM shows after {@code AROA}. */
    private static String roleId(String name) {
        String hex = LocalAws.sha1Hex(name).toUpperCase(Locale.ROOT);
        return hex.substring(0, 17);
    }

    private static String required(Map<String, String> params, String name) throws Refusal {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new Refusal(400, "MissingParameter", "The request must contain the parameter " + name);
        }
        return value;
    }

    // ---- Instance metadata service ----------------------------------------------------------------------------

    private void imds(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod();
        if (path.equals("/latest/api/token")) {
            if (!"PUT".equals(method)) {
                send(exchange, 405, "text/plain", "");
                return;
            }
            String ttlText = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
            int ttl;
            try {
                ttl = ttlText == null ? -1 : Integer.parseInt(ttlText.trim());
            } catch (NumberFormatException e) {
                ttl = -1;
            }
            if (ttl < 1 || ttl > IMDS_MAX_TTL || exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
                send(exchange, 400, "text/plain", "");
                return;
            }
            String token = "AQAEA" + Identity.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", 51) + "==";
            imdsTokens.put(token, aws.clock().instant().plusSeconds(ttl));
            exchange.getResponseHeaders().set("X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(ttl));
            send(exchange, 200, "text/plain", token);
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            send(exchange, 405, "text/plain", "");
            return;
        }
        String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
        if (token == null ? !aws.imdsV1Allowed() : !live(imdsTokens.get(token))) {
            send(exchange, 401, "text/plain", "");
            return;
        }
        String prefix = "/latest/meta-data/iam/security-credentials/";
        String role = aws.instanceRole();
        if (role == null || !path.startsWith(prefix)) {
            send(exchange, 404, "text/plain", "");
            return;
        }
        String name = path.substring(prefix.length());
        if (name.isEmpty()) {
            send(exchange, 200, "text/plain", role);
        } else if (name.equals(role)) {
            LocalAws.Session s = aws.issue(aws.role(role), instanceId, LocalAws.PROVIDED_SESSION);
            Identity id = s.identity();
            send(exchange, 200, "text/plain", "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \""
                    + aws.clock().instant().truncatedTo(ChronoUnit.SECONDS) + "\",\n  \"Type\" : \"AWS-HMAC\",\n"
                    + "  \"AccessKeyId\" : \"" + id.accessKeyId() + "\",\n  \"SecretAccessKey\" : " + Main.quote(id.secretAccessKey())
                    + ",\n  \"Token\" : " + Main.quote(id.sessionToken()) + ",\n  \"Expiration\" : \"" + s.expiration() + "\"\n}");
        } else {
            send(exchange, 404, "text/plain", "");
        }
    }

    private boolean live(Instant expiration) {
        return expiration != null && aws.clock().instant().isBefore(expiration);
    }

    // ---- Container credentials --------------------------------------------------------------------------------

    private void container(HttpExchange exchange, String path) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, "application/json", "{\"Message\":\"Method not allowed\"}");
            return;
        }
        String key;
        String sessionName;
        if (path.equals(POD_IDENTITY_PATH)) {
            // EKS Pod Identity: the agent checks the projected service account token sent as Authorization.
            key = exchange.getRequestHeaders().getFirst("Authorization");
            if (key == null) {
                send(exchange, 400, "application/json", "{\"Message\":\"Service account token cannot be empty\"}");
                return;
            }
            sessionName = "eks-iamdb-local-pod-" + Identity.random("abcdef0123456789", 8);
        } else {
            key = path.substring(ECS_PATH.length());
            sessionName = Identity.random("abcdef0123456789", 32);
        }
        LocalAws.Grant grant = path.equals(POD_IDENTITY_PATH) ? aws.podGrant(key) : aws.ecsGrant(key);
        if (grant == null) {
            send(exchange, path.equals(POD_IDENTITY_PATH) ? 401 : 404, "application/json",
                    path.equals(POD_IDENTITY_PATH) ? "{\"Message\":\"Service account token cannot be validated\"}"
                            : "{\"Message\":\"Credentials not found\"}");
            return;
        }
        LocalAws.Session s = aws.issue(aws.role(grant.role()), sessionName, LocalAws.PROVIDED_SESSION);
        Identity id = s.identity();
        send(exchange, 200, "application/json", "{\"RoleArn\":" + Main.quote(id.principalArn()) + ",\"AccessKeyId\":"
                + Main.quote(id.accessKeyId()) + ",\"SecretAccessKey\":" + Main.quote(id.secretAccessKey())
                + ",\"Token\":" + Main.quote(id.sessionToken()) + ",\"Expiration\":\"" + s.expiration()
                + "\",\"AccountId\":\"" + aws.accountId() + "\"}");
    }

    // ---- IAM Identity Center portal ---------------------------------------------------------------------------

    private void portal(HttpExchange exchange) throws IOException {
        Map<String, String> query = new HashMap<>();
        query(exchange.getRequestURI().getRawQuery()).forEach(e -> query.put(e.getKey(), e.getValue()));
        String token = exchange.getRequestHeaders().getFirst("x-amz-sso_bearer_token");
        LocalAws.Grant grant = token == null ? null : aws.ssoGrant(token);
        if (!"GET".equals(exchange.getRequestMethod())) {
            portalError(exchange, 405, "InvalidRequestException", "Method not allowed");
        } else if (query.get("role_name") == null || query.get("account_id") == null) {
            portalError(exchange, 400, "InvalidRequestException", "role_name and account_id are required");
        } else if (grant == null || !live(grant.expiration())) {
            portalError(exchange, 401, "UnauthorizedException", "Session token not found or invalid");
        } else if (!grant.role().equals(query.get("role_name")) || !aws.accountId().equals(query.get("account_id"))) {
            portalError(exchange, 403, "ForbiddenException", "No access");
        } else {
            LocalAws.Session s = aws.issue(aws.role(grant.role()), "iamdb-local-sso", LocalAws.PROVIDED_SESSION);
            Identity id = s.identity();
            send(exchange, 200, "application/json", "{\"roleCredentials\":{\"accessKeyId\":" + Main.quote(id.accessKeyId())
                    + ",\"secretAccessKey\":" + Main.quote(id.secretAccessKey()) + ",\"sessionToken\":"
                    + Main.quote(id.sessionToken()) + ",\"expiration\":" + s.expiration().toEpochMilli() + "}}");
        }
    }

    /** Lifetime of an access token that {@code CreateToken} issues: IAM Identity Center's hour. */
    static final Duration SSO_ACCESS_TOKEN = Duration.ofHours(1);
    private static final Pattern JSON_STRING = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");

    /** SSO OIDC {@code CreateToken} ({@code POST /token}, JSON), the refresh-token grant the SDK uses. */
    private void ssoOidc(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            oidcError(exchange, 405, "InvalidRequestException", "invalid_request", "Method not allowed");
            return;
        }
        Map<String, String> request = new HashMap<>();
        Matcher m = JSON_STRING.matcher(new String(readBody(exchange), StandardCharsets.UTF_8));
        while (m.find()) {
            request.put(m.group(1), m.group(2));
        }
        if (!"refresh_token".equals(request.get("grantType"))) {
            oidcError(exchange, 400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                    "Only the refresh_token grant is emulated here");
            return;
        }
        String[] tokens = aws.ssoRefresh(request.get("clientId"), request.get("clientSecret"), request.get("refreshToken"),
                SSO_ACCESS_TOKEN);
        if (tokens == null) {
            oidcError(exchange, 400, "InvalidGrantException", "invalid_grant", "Invalid refresh token provided");
            return;
        }
        send(exchange, 200, "application/json", "{\"accessToken\":" + Main.quote(tokens[0])
                + ",\"tokenType\":\"Bearer\",\"expiresIn\":" + SSO_ACCESS_TOKEN.toSeconds() + ",\"refreshToken\":"
                + Main.quote(tokens[1]) + "}");
    }

    private static void oidcError(HttpExchange exchange, int status, String type, String error, String description)
            throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(exchange, status, "application/json", "{\"error\":" + Main.quote(error) + ",\"error_description\":"
                + Main.quote(description) + "}");
    }

    private static void portalError(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(exchange, status, "application/json", "{\"message\":" + Main.quote(message) + "}");
    }

    // ---- HTTP plumbing ----------------------------------------------------------------------------------------

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new HashMap<>();
        query(body).forEach(e -> params.put(e.getKey(), e.getValue()));
        return params;
    }

    private static List<Map.Entry<String, String>> query(String raw) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return list;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            list.add(new AbstractMap.SimpleEntry<>(URLDecoder.decode(k, StandardCharsets.UTF_8),
                    URLDecoder.decode(v, StandardCharsets.UTF_8)));
        }
        return list;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
