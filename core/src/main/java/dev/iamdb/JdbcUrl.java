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
    private static final String IAMDB_PREFIX = "jdbc:iamdb:";

    final String subprotocol;
    final String host;
    /** -1 when the URL names no port. */
    final int port;
    final String database;
    /** Parameters iamdb reads (its own, {@code user} and {@code password}) found in the query string, decoded. */
    final Map<String, String> iamParameters;
    /** The URL to hand to the target driver: no {@code iamdb:} prefix, no iamdb parameters. */
    final String targetUrl;

    private JdbcUrl(String subprotocol, String host, int port, String database,
                    Map<String, String> iamParameters, String targetUrl) {
        this.subprotocol = subprotocol;
        this.host = host;
        this.port = port;
        this.database = database;
        this.iamParameters = iamParameters;
        this.targetUrl = targetUrl;
    }

    static JdbcUrl parse(String url) {
        String rest = url.trim();
        boolean iamdb = rest.regionMatches(true, 0, IAMDB_PREFIX, 0, IAMDB_PREFIX.length());
        if (iamdb) {
            rest = "jdbc:" + rest.substring(IAMDB_PREFIX.length());
        }
        if (!rest.regionMatches(true, 0, "jdbc:", 0, 5) || rest.indexOf("://") < 0) {
            throw badUrl(url, "a URL such as jdbc:postgresql://host:5432/postgres");
        }
        int schemeEnd = rest.indexOf("://");
        String subprotocol = rest.substring(5, schemeEnd).toLowerCase(Locale.ROOT);
        String afterScheme = rest.substring(schemeEnd + 3);
        int queryStart = afterScheme.indexOf('?');
        String query = queryStart < 0 ? "" : afterScheme.substring(queryStart + 1);
        String authorityAndPath = queryStart < 0 ? afterScheme : afterScheme.substring(0, queryStart);
        int slash = authorityAndPath.indexOf('/');
        String authority = slash < 0 ? authorityAndPath : authorityAndPath.substring(0, slash);
        String database = slash < 0 ? "" : decode(authorityAndPath.substring(slash + 1));

        if (iamdb && database.isEmpty()) {
            // Aurora DSQL has the one database postgres; pgjdbc would refuse a URL without one or use the user name.
            database = "postgres";
            authorityAndPath = authority + "/" + database;
        }
        if (authority.isEmpty()) {
            throw badUrl(url, "a host after //");
        }
        if (authority.indexOf(',') >= 0) {
            throw badUrl(url, "exactly one host: a token is signed for one host");
        }
        String host;
        int port = -1;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw badUrl(url, "a closing ] after an IPv6 address");
            }
            host = authority.substring(1, close);
            if (close + 1 < authority.length()) {
                if (authority.charAt(close + 1) != ':') {
                    throw badUrl(url, "host[:port]");
                }
                portText = authority.substring(close + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = 0;
            }
            if (port < 1 || port > 65535) {
                throw badUrl(url, "a port from 1 to 65535, not '" + portText + "'");
            }
        }

        Map<String, String> iam = new LinkedHashMap<>();
        StringJoiner kept = new StringJoiner("&");
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (IamConfig.isIamdbKey(key)) {
                iam.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            } else {
                kept.add(pair);
            }
        }
        String target = "jdbc:" + subprotocol + "://" + authorityAndPath
                + (kept.length() == 0 ? "" : "?" + kept);
        return new JdbcUrl(subprotocol, host, port, database, iam, target);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static IamConfigException badUrl(String url, String expected) {
        // The query string may hold a password; the part before it is enough to find the mistake.
        int query = url.indexOf('?');
        String shown = query < 0 ? url : url.substring(0, query) + "?…";
        return new IamConfigException("url", "Invalid JDBC URL '" + shown + "': expected " + expected + ".");
    }
}
