package dev.iamdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The fields of an IAM auth token for Aurora DSQL or RDS, decoded but <em>not verified</em>.
 *
 * <p>A token is a SigV4-presigned URL without its scheme:
 * {@code host[:port]/?Action=…&DBUser=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-Credential=…&X-Amz-Signature=…}.
 * When a login fails, the server says only that the password was wrong; the cause is nearly always
 * visible in the token itself: signed for another host, port, region, service or user, with the wrong
 * access key, or expired. {@code iamdb inspect} and the framework adapters' diagnostics decode tokens
 * with this class to show those fields.
 *
 * <p>Decoding needs no credentials and checks no signature, so a token that parses may still be
 * rejected. The signature and the session token are never kept: neither {@link #toString()} nor an
 * exception message can reveal them, and a decoded token is safe to log.
 */
public final class AuthToken {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private final String host;
    private final int port;
    private final String service;
    private final String region;
    private final String action;
    private final String user;
    private final String accessKeyId;
    private final Instant signedAt;
    private final Instant expiresAt;
    private final boolean sessionToken;

    private AuthToken(String host, int port, Map<String, String> query) {
        this.host = host;
        this.port = port;
        this.action = required(query, "Action");
        this.user = query.get("DBUser");
        this.sessionToken = query.containsKey("X-Amz-Security-Token");
        String algorithm = required(query, "X-Amz-Algorithm");
        if (!algorithm.equals(ALGORITHM)) {
            throw malformed("X-Amz-Algorithm", "expected " + ALGORITHM + " but found '" + algorithm + "'");
        }
        required(query, "X-Amz-Signature");
        String date = required(query, "X-Amz-Date");
        try {
            this.signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw malformed("X-Amz-Date", "expected yyyyMMdd'T'HHmmss'Z' but found '" + date + "'");
        }
        String expires = required(query, "X-Amz-Expires");
        this.expiresAt = signedAt.plusSeconds(seconds(expires));
        // <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request
        String credential = required(query, "X-Amz-Credential");
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !scope[4].equals("aws4_request") || scope[0].isEmpty() || scope[2].isEmpty() || scope[3].isEmpty()) {
            throw malformed("X-Amz-Credential", "expected <access key id>/<date>/<region>/<service>/aws4_request");
        }
        if (!date.startsWith(scope[1])) {
            throw malformed("X-Amz-Credential", "its date " + scope[1] + " is not the day of X-Amz-Date " + date);
        }
        this.accessKeyId = scope[0];
        this.region = scope[2];
        this.service = scope[3];
    }

    /**
     * Decodes a token.
     *
     * @throws IllegalArgumentException naming the part that is missing or malformed; the message never
     *         contains the token, its signature or its session token
     */
    public static AuthToken parse(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("Not an IAM auth token: it is empty.");
        }
        String t = token.trim();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= ' ' || c > '~') {
                // Signers emit only printable ASCII; anything else is a copy-and-paste accident.
                throw new IllegalArgumentException("Malformed IAM auth token: it contains a space, control or non-ASCII "
                        + "character at position " + (i + 1) + ".");
            }
        }
        if (t.regionMatches(true, 0, "https://", 0, 8)) {
            // Tolerated because presigned URLs are often copied with their scheme.
            t = t.substring(8);
        }
        int separator = t.indexOf("/?");
        if (separator <= 0) {
            throw new IllegalArgumentException("Not an IAM auth token: expected <host[:port]>/?<query> but found no '/?' after a host.");
        }
        String authority = t.substring(0, separator);
        String host = authority;
        int port = -1;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            host = authority.substring(0, colon);
            port = port(authority.substring(colon + 1));
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.-]+")) {
            throw malformed("host", "expected a DNS name before '/?'");
        }
        return new AuthToken(host, port, query(t.substring(separator + 2)));
    }

    /** The host the token was signed for: the endpoint name, not necessarily the host connected to. */
    public String host() {
        return host;
    }

    /** The signed port; empty for Aurora DSQL tokens (which carry none) and RDS tokens for port 443. */
    public OptionalInt port() {
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The SigV4 service name from the credential scope: {@code dsql} or {@code rds-db}. */
    public String service() {
        return service;
    }

    /** The region from the credential scope; it must be the endpoint's own region. */
    public String region() {
        return region;
    }

    /** {@code DbConnect}, {@code DbConnectAdmin} (Aurora DSQL) or {@code connect} (RDS). */
    public String action() {
        return action;
    }

    /** The {@code DBUser} of an RDS token; {@code null} for Aurora DSQL, whose tokens name no user. */
    public String user() {
        return user;
    }

    /** The access key id that signed the token; it identifies the IAM principal without being secret. */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** When the token was signed ({@code X-Amz-Date}). */
    public Instant signedAt() {
        return signedAt;
    }

    /** When the server stops accepting the token: {@code X-Amz-Date} plus {@code X-Amz-Expires}. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** Whether temporary (session) credentials signed the token; they may expire before the token. */
    public boolean hasSessionToken() {
        return sessionToken;
    }

    /** Whether the token is past its expiry at the clock's current instant. */
    public boolean isExpired(Clock clock) {
        return !clock.instant().isBefore(expiresAt);
    }

    /** Every decoded field except secrets; safe to log. */
    @Override
    public String toString() {
        return "AuthToken[host=" + host + (port < 0 ? "" : ":" + port) + ", service=" + service + ", region=" + region
                + ", action=" + action + (user == null ? "" : ", user=" + user) + ", accessKeyId=" + accessKeyId
                + ", sessionToken=" + (sessionToken ? "yes" : "no") + ", signedAt=" + signedAt + ", expiresAt=" + expiresAt + "]";
    }

    private static int port(String text) {
        if (!text.matches("\\d{1,5}")) {
            throw malformed("port", "expected a number after ':' in the host part");
        }
        int p = Integer.parseInt(text);
        if (p < 1 || p > 65535) {
            throw malformed("port", "expected 1 to 65535 but found " + p);
        }
        return p;
    }

    private static int seconds(String expires) {
        if (!expires.matches("\\d{1,6}")) {
            throw malformed("X-Amz-Expires", "expected a number of seconds but found '" + expires + "'");
        }
        return Integer.parseInt(expires);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Malformed IAM auth token: the query has an empty or '='-less parameter.");
            }
            String name = decode(pair.substring(0, eq), "a parameter name");
            if (params.put(name, decode(pair.substring(eq + 1), name)) != null) {
                throw malformed(name, "it appears more than once");
            }
        }
        return params;
    }

    private static String required(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("Malformed IAM auth token: the query parameter " + name + " is missing or empty.");
        }
        return value;
    }

    /**
     * RFC 3986 percent-decoding. Unlike {@code URLDecoder} it keeps '+' as is: the signer encodes
     * spaces as %20, so a literal '+' can only be a '+'.
     */
    private static String decode(String s, String what) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                bytes.write(c); // ASCII only: parse() rejects anything else
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                throw malformed(what, "it has a '%' not followed by two hex digits");
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException malformed(String part, String why) {
        return new IllegalArgumentException("Malformed IAM auth token: " + part + " is invalid: " + why + ".");
    }
}
