package dev.iamdb.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The parts of AWS Signature Version 4 that the testkit checks: a presigned {@code GET /} with only the
 * {@code host} header signed (IAM auth tokens), and a request signed in its {@code Authorization} header (the
 * local STS). Written against the SigV4 specification, independent of any AWS SDK, so the testkit checks
 * signatures the way AWS does rather than the way a client produces them.
 */
final class SigV4 {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** SHA-256 of the empty payload; IAM auth tokens sign this, not {@code UNSIGNED-PAYLOAD}. */
    static final String EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
    private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

    private SigV4() {
    }

    /**
     * The hex signature of a presigned {@code GET /} for {@code signedHost}.
     *
     * @param queryWithoutSignature decoded query parameters, {@code X-Amz-Signature} excluded
     * @param amzDate               the {@code X-Amz-Date} value, {@code yyyyMMdd'T'HHmmss'Z'}
     */
    static String presignedSignature(String secretKey, String signedHost, List<Map.Entry<String, String>> queryWithoutSignature,
            String amzDate, String region, String service) {
        String canonicalRequest = "GET\n/\n" + canonicalQuery(queryWithoutSignature) + "\nhost:" + signedHost
                + "\n\nhost\n" + EMPTY_PAYLOAD_SHA256;
        return signature(secretKey, canonicalRequest, amzDate, region, service);
    }

    /**
     * The hex signature of a request signed in its {@code Authorization} header.
     *
     * @param query         decoded query parameters (empty for a form POST)
     * @param signedHeaders the lower-case names from {@code SignedHeaders}, in their order there
     * @param headerValues  the value of each signed header as received (several values joined with commas)
     * @param payloadHash   hex SHA-256 of the body, or the {@code x-amz-content-sha256} value the client sent
     */
    static String headerSignature(String secretKey, String method, String path, List<Map.Entry<String, String>> query,
            List<String> signedHeaders, Map<String, String> headerValues, String payloadHash, String amzDate,
            String region, String service) {
        StringBuilder canonical = new StringBuilder().append(method).append('\n').append(path).append('\n')
                .append(canonicalQuery(query)).append('\n');
        for (String name : signedHeaders) {
            String value = headerValues.getOrDefault(name, "");
            canonical.append(name).append(':').append(value.trim().replaceAll(" +", " ")).append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n').append(payloadHash);
        return signature(secretKey, canonical.toString(), amzDate, region, service);
    }

    private static String signature(String secretKey, String canonicalRequest, String amzDate, String region,
            String service) {
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign), HEX_LOWER);
    }

    /** Every key and value RFC 3986-encoded, sorted by encoded key (then value), joined with {@code &}. */
    static String canonicalQuery(List<Map.Entry<String, String>> params) {
        List<String[]> encoded = new ArrayList<>(params.size());
        for (Map.Entry<String, String> p : params) {
            encoded.add(new String[] {encode(p.getKey()), encode(p.getValue())});
        }
        encoded.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] kv : encoded) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(kv[0]).append('=').append(kv[1]);
        }
        return sb.toString();
    }

    /** RFC 3986 percent-encoding of UTF-8 bytes: only {@code A-Za-z0-9-_.~} stay as they are. */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX_UPPER[c >> 4]).append(HEX_UPPER[c & 0xf]);
            }
        }
        return sb.toString();
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(bytes), HEX_LOWER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String hex(byte[] bytes, char[] digits) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = digits[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = digits[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
