package dev.iamdb.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An IAM auth token split into its signed host and its decoded query parameters. */
final class AuthToken {

    final String signedHost;
    final List<Map.Entry<String, String>> unsignedParams;
    final Map<String, String> params;
    final String signature;

    private AuthToken(String signedHost, List<Map.Entry<String, String>> unsignedParams, Map<String, String> params,
            String signature) {
        this.signedHost = signedHost;
        this.unsignedParams = unsignedParams;
        this.params = params;
        this.signature = signature;
    }

    /** Parses {@code host[:port]/?query}; an optional scheme prefix is tolerated. */
    static AuthToken parse(String token) throws LoginRejected {
        String rest = token.startsWith("https://") ? token.substring(8) : token;
        int slash = rest.indexOf("/?");
        if (slash <= 0) {
            throw new LoginRejected("malformed token: expected host/?query");
        }
        String host = rest.substring(0, slash);
        List<Map.Entry<String, String>> unsigned = new ArrayList<>();
        Map<String, String> params = new HashMap<>();
        String signature = null;
        for (String pair : rest.substring(slash + 2).split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new LoginRejected("malformed token: query parameter without name or value");
            }
            String key = decode(pair.substring(0, eq));
            String value = decode(pair.substring(eq + 1));
            if (params.put(key, value) != null) {
                throw new LoginRejected("malformed token: duplicate parameter " + key);
            }
            if (key.equals("X-Amz-Signature")) {
                signature = value;
            } else {
                unsigned.add(Map.entry(key, value));
            }
        }
        if (signature == null) {
            throw new LoginRejected("malformed token: X-Amz-Signature missing");
        }
        return new AuthToken(host, List.copyOf(unsigned), Map.copyOf(params), signature);
    }

    String require(String name) throws LoginRejected {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new LoginRejected("malformed token: " + name + " missing");
        }
        return value;
    }

    /** Strict percent-decoding: unlike form decoding, {@code +} stays a plus sign. */
    private static String decode(String text) throws LoginRejected {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new LoginRejected("malformed token: bad percent-encoding");
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new LoginRejected("malformed token: bad percent-encoding");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                throw new LoginRejected("malformed token: non-ASCII character");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
