package dev.iamdb;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The parts of a {@code jdbc:<driver>://host[:port][/database][?params]} URL that signing needs.
 * iamdb's own parameters are taken out; everything else stays in the URL for the target driver.
 */
final class JdbcUrl {
    /** The prefix of the URLs {@link IamDriver} accepts, compared without regard to case everywhere. */
    static final String IAMDB_PREFIX = "jdbc:iamdb:";

    final TargetDriver driver;
    final String host;
    /** -1 when the URL names no port. */
    final int port;
    /** Parameters iamdb reads (its own, {@code user}, {@code password}, {@code pool.*}) found in the query string, decoded. */
    final Map<String, String> iamParameters;
    /** The parameters left for the target driver, decoded; they stay in {@link #targetUrl} too. */
    final Map<String, String> driverParameters;
    /** The URL to hand to the target driver: no {@code iamdb:} prefix, no iamdb parameters. */
    final String targetUrl;

    private JdbcUrl(TargetDriver driver, String host, int port, Map<String, String> iamParameters,
                    Map<String, String> driverParameters, String targetUrl) {
        this.driver = driver;
        this.host = host;
        this.port = port;
        this.iamParameters = iamParameters;
        this.driverParameters = driverParameters;
        this.targetUrl = targetUrl;
    }

    static boolean isIamdbUrl(String url) {
        return url != null && url.regionMatches(true, 0, IAMDB_PREFIX, 0, IAMDB_PREFIX.length());
    }

    /** Parses {@code url}; {@code writtenAs} is the name the user gave the URL setting, for messages. */
    static JdbcUrl parse(String url, String writtenAs) {
        String rest = url.trim();
        boolean iamdb = isIamdbUrl(rest);
        if (iamdb) {
            rest = "jdbc:" + rest.substring(IAMDB_PREFIX.length());
        }
        if (!rest.regionMatches(true, 0, "jdbc:", 0, 5) || rest.indexOf("://") < 0) {
            throw badUrl(url, writtenAs, "a URL such as jdbc:postgresql://host:5432/postgres");
        }
        int schemeEnd = rest.indexOf("://");
        String subprotocol = rest.substring(5, schemeEnd).toLowerCase(Locale.ROOT);
        TargetDriver driver = TargetDriver.forSubprotocol(subprotocol);
        if (driver == null) {
            throw badUrl(url, writtenAs, "a URL of a driver iamdb logs in through: " + TargetDriver.supportedPrefixes());
        }
        String afterScheme = rest.substring(schemeEnd + 3);
        int queryStart = afterScheme.indexOf('?');
        String query = queryStart < 0 ? "" : afterScheme.substring(queryStart + 1);
        String authorityAndPath = queryStart < 0 ? afterScheme : afterScheme.substring(0, queryStart);
        int slash = authorityAndPath.indexOf('/');
        String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
        String database = slash < 0 ? "" : authorityAndPath.substring(slash + 1);

        if (iamdb && database.isEmpty() && driver.defaultDatabase() != null) {
            // pgjdbc would refuse a URL without a database or use the user name; Aurora DSQL has the one database.
            authorityAndPath = authority + "/" + driver.defaultDatabase();
        }
        if (authority.isEmpty()) {
            throw badUrl(url, writtenAs, "a host after //");
        }
        if (authority.indexOf('@') >= 0) {
            throw badUrl(url, writtenAs, "no user or password before the host: give the user as a property");
        }
        if (authority.indexOf(',') >= 0) {
            throw badUrl(url, writtenAs, "exactly one host: a token is signed for one host");
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw badUrl(url, writtenAs, "a closing ] after an IPv6 address");
            }
            host = authority.substring(1, close);
            if (close + 1 < authority.length()) {
                if (authority.charAt(close + 1) != ':') {
                    throw badUrl(url, writtenAs, "host[:port]");
                }
                portText = authority.substring(close + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port = -1;
        if (portText != null) {
            try {
                port = (Integer) PropertyType.PORT.parse(portText, writtenAs);
            } catch (IamConfigException e) {
                throw badUrl(url, writtenAs, "a port from 1 to 65535, not '" + portText + "'");
            }
        }

        Map<String, String> iam = new LinkedHashMap<>();
        Map<String, String> driverParameters = new LinkedHashMap<>();
        StringJoiner kept = new StringJoiner("&");
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.indexOf('%') >= 0 || key.indexOf('+') >= 0) {
                // pgjdbc reads names as written: iamdb must not see a setting under another name than the driver does.
                throw badUrl(url, writtenAs, "parameter names written plainly, without percent-escapes or '+'");
            }
            if (ConfigResolver.isIamdbKey(key)) {
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), url, writtenAs);
                if (iam.putIfAbsent(key, value) != null) {
                    throw new IamConfigException(key, "Parameter " + key + " appears more than once in the JDBC URL; keep one.");
                }
            } else {
                // Decoded here also so that a bad escape fails now: pgjdbc would throw IllegalArgumentException.
                driverParameters.put(key, decode(eq < 0 ? "" : pair.substring(eq + 1), url, writtenAs));
                kept.add(pair);
            }
        }
        String target = "jdbc:" + subprotocol + "://" + authorityAndPath + (kept.length() == 0 ? "" : "?" + kept);
        return new JdbcUrl(driver, host, port, iam, driverParameters, target);
    }

    private static String decode(String s, String url, String writtenAs) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badUrl(url, writtenAs, "valid percent-escapes (%XX with two hexadecimal digits) in its parameters");
        }
    }

    private static IamConfigException badUrl(String url, String writtenAs, String expected) {
        // The query string and anything before an @ may hold a password; the rest is enough to find the mistake.
        int query = url.indexOf('?');
        String shown = query < 0 ? url : url.substring(0, query) + "?…";
        int at = shown.indexOf('@');
        if (at >= 0) {
            int scheme = shown.indexOf("//");
            shown = shown.substring(0, scheme < 0 || scheme > at ? 0 : scheme + 2) + "…" + shown.substring(at);
        }
        String where = writtenAs.equals("url") ? "" : " (" + writtenAs + ")";
        return new IamConfigException(writtenAs, "Invalid JDBC URL '" + shown + "'" + where + ": expected " + expected + ".");
    }
}
