package dev.iamdb.testkit.mysql;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RDS's {@code IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'} on a server that has no such plugin. An IAM user is
 * a real backend user whose password is derived from its name with a key only this instance knows; the gateway logs
 * in with that password after checking the token. So the backend itself answers whether a user is an IAM user: it
 * accepts the derived password only from a user created (or altered) through this class, and a user dropped, or
 * given another password, stops being one, as on RDS.
 */
final class IamUsers {

    private static final String NAME = "(?:`(?:[^`]|``)+`|'(?:[^'\\\\]|''|\\\\.)+'|\"(?:[^\"\\\\]|\"\"|\\\\.)+\"|[A-Za-z0-9_$]+)";
    /** {@code CREATE|ALTER USER [IF [NOT] EXISTS] user[@host] IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'}. */
    private static final Pattern IAM_USER_STATEMENT = Pattern.compile(
            "(\\s*(?:CREATE|ALTER)\\s+USER\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(" + NAME + ")(?:\\s*@\\s*" + NAME + ")?\\s+)"
                    + "IDENTIFIED\\s+WITH\\s+(?:AWSAuthenticationPlugin|'AWSAuthenticationPlugin'|`AWSAuthenticationPlugin`)"
                    + "\\s+AS\\s+'RDS'(\\s*;?\\s*)",
            Pattern.CASE_INSENSITIVE);

    private final SecretKeySpec key;

    IamUsers() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    /** The backend password of IAM user {@code user}. */
    String passwordFor(String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * {@code sql} with an IAM user statement turned into the same statement {@code IDENTIFIED BY} the user's backend
     * password, or null for any other statement. The rewritten statement runs with the session's own privileges.
     */
    String rewrite(String sql) {
        Matcher m = IAM_USER_STATEMENT.matcher(sql);
        if (!m.matches()) {
            return null;
        }
        return m.group(1) + identifiedBy(unquote(m.group(2))) + m.group(3);
    }

    /** The {@code IDENTIFIED BY} clause that makes {@code user} an IAM user. */
    String identifiedBy(String user) {
        return "IDENTIFIED BY '" + passwordFor(user) + "'";
    }

    static String quote(String name) {
        return "'" + name.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String quoteIdentifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String unquote(String name) {
        char q = name.charAt(0);
        if (q != '`' && q != '\'' && q != '"') {
            return name;
        }
        String body = name.substring(1, name.length() - 1);
        StringBuilder sb = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && q != '`' && i + 1 < body.length()) {
                sb.append(body.charAt(++i));
            } else {
                sb.append(c);
                if (c == q) {
                    i++; // a doubled quote stands for one
                }
            }
        }
        return sb.toString();
    }
}
