package dev.iamdb.testkit;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * An AWS identity the local database trusts: the credentials a token must be signed with and the IAM
 * principal ARN that DSQL role grants refer to. {@link #toString()} never shows the secret key or the
 * session token.
 *
 * @param accessKeyId     the access key id tokens carry in {@code X-Amz-Credential}
 * @param secretAccessKey the secret key tokens must be signed with
 * @param sessionToken    for temporary credentials the value {@code X-Amz-Security-Token} must equal; null otherwise
 * @param principalArn    the IAM principal (user or role ARN) these credentials belong to
 */
public record Identity(String accessKeyId, String secretAccessKey, String sessionToken, String principalArn) {

    /** The principal the generated identity belongs to. */
    public static final String DEFAULT_PRINCIPAL_ARN = "arn:aws:iam::123456789012:role/iamdb-local";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Validates that the access key id, secret and ARN are present. */
    public Identity {
        requireText(accessKeyId, "accessKeyId");
        requireText(secretAccessKey, "secretAccessKey");
        requireText(principalArn, "principalArn");
        if (sessionToken != null && sessionToken.isEmpty()) {
            throw new IllegalArgumentException("identity sessionToken: must be null or non-empty");
        }
    }

    /** Long-term credentials (access key id and secret) of a principal. */
    public static Identity of(String accessKeyId, String secretAccessKey, String principalArn) {
        return new Identity(accessKeyId, secretAccessKey, null, principalArn);
    }

    /** Temporary credentials: tokens must carry {@code sessionToken} as {@code X-Amz-Security-Token}. */
    public static Identity withSessionToken(String accessKeyId, String secretAccessKey, String sessionToken,
            String principalArn) {
        return new Identity(accessKeyId, secretAccessKey, Objects.requireNonNull(sessionToken, "sessionToken"),
                principalArn);
    }

    /** A fresh fake identity ({@code AKIA…} key, random secret) of {@link #DEFAULT_PRINCIPAL_ARN}. */
    public static Identity generate() {
        return of("AKIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40),
                DEFAULT_PRINCIPAL_ARN);
    }

    static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("identity " + name + ": must not be empty");
        }
    }

    @Override
    public String toString() {
        return "Identity[accessKeyId=" + accessKeyId + ", principalArn=" + principalArn
                + (sessionToken != null ? ", temporary credentials" : "") + "]";
    }
}
