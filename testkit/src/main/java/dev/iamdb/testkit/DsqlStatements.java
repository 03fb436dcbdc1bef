package dev.iamdb.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Aurora DSQL SQL that plain PostgreSQL lacks or must refuse, emulated by rewriting the SQL text of
 * the client's Query ('Q') and Parse ('P') messages before they reach the backend:
 * <ul>
 *   <li>{@code AWS IAM GRANT role TO 'arn'} / {@code AWS IAM REVOKE role FROM 'arn'} become calls of the
 *       {@code sys.aws_iam_grant} / {@code sys.aws_iam_revoke} procedures {@link RoleDirectory} installs;</li>
 *   <li>optionally, statements DSQL does not support become a {@code DO} block raising SQLSTATE 0A000, so
 *       the backend itself reports the error and the protocol state stays the backend's.</li>
 * </ul>
 * Statements are recognised by their leading keywords after whitespace and comments; a light lexer skips
 * string literals, quoted identifiers, dollar quotes and comments to find where statements end. It does
 * not parse SQL: a keyword behind {@code WITH}, {@code EXPLAIN} or inside a function body is not seen.
 */
final class DsqlStatements {

    /** Larger statements are relayed unread, so a huge query never has to be held in memory twice. */
    static final int MAX_INSPECTED_LENGTH = 16 << 20;
    static final String FEATURE_NOT_SUPPORTED = "0A000";

    private static final int LEADING_WORDS = 4;
    /** A role name as PostgreSQL reads it: a quoted identifier or a plain one. */
    private static final String ROLE = "\"(?:[^\"]|\"\")+\"|[A-Za-z_\\x80-\\uffff][A-Za-z0-9_$\\x80-\\uffff]*";
    private static final Pattern IAM_STATEMENT = Pattern.compile(
            "(?is)AWS\\s+IAM\\s+(?:GRANT\\s+(" + ROLE + ")\\s+TO|REVOKE\\s+(" + ROLE + ")\\s+FROM)"
                    + "\\s+'((?:[^']|'')*)'\\s*");

    private final boolean rejectUnsupported;

    /** @param rejectUnsupported whether statements Aurora DSQL does not support fail with SQLSTATE 0A000 */
    DsqlStatements(boolean rejectUnsupported) {
        this.rejectUnsupported = rejectUnsupported;
    }

    /**
     * The message to send instead of this whole client message (type byte, int32 length, body), or null to
     * send it unchanged, the common case, which allocates nothing. Only Query and Parse messages carry SQL.
     */
    byte[] rewrite(byte[] message) {
        char type = (char) message[0];
        int sqlStart;
        int sqlEnd;
        if (type == 'Q') {
            sqlStart = 5;
            sqlEnd = indexOfZero(message, sqlStart);
        } else if (type == 'P') {
            sqlStart = indexOfZero(message, 5) + 1;
            sqlEnd = sqlStart == 0 ? -1 : indexOfZero(message, sqlStart);
        } else {
            return null;
        }
        if (sqlEnd < 0) {
            return null; // Malformed: the backend reports it.
        }
        byte[] sql = rewriteSql(message, sqlStart, sqlEnd);
        if (sql == null) {
            return null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(message.length + sql.length);
        body.write(message, 5, sqlStart - 5);
        body.write(sql, 0, sql.length);
        body.write(message, sqlEnd, message.length - sqlEnd);
        return PgWire.message(type, body.toByteArray());
    }

    /** The SQL text {@code sql[from..to)} with each emulated statement replaced, or null if none is. */
    private byte[] rewriteSql(byte[] sql, int from, int to) {
        ByteArrayOutputStream out = null;
        int copied = from;
        Lexer lexer = new Lexer(sql, from, to);
        while (lexer.nextStatement()) {
            String replacement = replacement(lexer, sql);
            if (replacement != null) {
                if (out == null) {
                    out = new ByteArrayOutputStream(to - from + replacement.length());
                }
                out.write(sql, copied, lexer.start - copied);
                out.writeBytes(replacement.getBytes(StandardCharsets.UTF_8));
                copied = lexer.end;
            }
        }
        if (out == null) {
            return null;
        }
        out.write(sql, copied, to - copied);
        return out.toByteArray();
    }

    private String replacement(Lexer statement, byte[] sql) {
        String[] w = statement.words;
        if ("AWS".equals(w[0]) && "IAM".equals(w[1])) {
            return iamCall(new String(sql, statement.start, statement.end - statement.start, StandardCharsets.UTF_8));
        }
        if (!rejectUnsupported) {
            return null;
        }
        String feature = unsupportedFeature(w, statement.advisoryLockFunction);
        return feature == null ? null : raise(FEATURE_NOT_SUPPORTED, feature + " is not supported in Aurora DSQL"
                + " (rejected by iamdb-testkit's rejectUnsupportedSql)");
    }

    /** The feature Aurora DSQL lacks that a statement with these leading words uses, or null. */
    private static String unsupportedFeature(String[] w, String advisoryLockFunction) {
        switch (w[0] == null ? "" : w[0]) {
            case "SAVEPOINT":
                return "SAVEPOINT";
            case "RELEASE":
                return "RELEASE SAVEPOINT";
            case "ROLLBACK":
                if ("TO".equals(w[1]) || ("TO".equals(w[2]) && ("WORK".equals(w[1]) || "TRANSACTION".equals(w[1])))) {
                    return "ROLLBACK TO SAVEPOINT";
                }
                break;
            case "TRUNCATE":
                return "TRUNCATE";
            case "CREATE":
                int i = "GLOBAL".equals(w[1]) || "LOCAL".equals(w[1]) ? 2 : 1;
                if (("TEMP".equals(w[i]) || "TEMPORARY".equals(w[i])) && "TABLE".equals(w[i + 1])) {
                    return "CREATE TEMPORARY TABLE";
                }
                break;
            default:
                break;
        }
        return advisoryLockFunction == null ? null : "advisory lock function " + advisoryLockFunction;
    }

    private static String iamCall(String statement) {
        Matcher m = IAM_STATEMENT.matcher(statement);
        if (!m.matches()) {
            return raise("42601", "syntax error in AWS IAM statement; expected AWS IAM GRANT role TO 'arn'"
                    + " or AWS IAM REVOKE role FROM 'arn'");
        }
        boolean grant = m.group(1) != null;
        String role = grant ? m.group(1) : m.group(2);
        // PostgreSQL folds unquoted names to lower case; a quoted name is taken as written.
        String name = role.startsWith("\"") ? role.substring(1, role.length() - 1).replace("\"\"", "\"")
                : role.toLowerCase(Locale.ROOT);
        return "CALL sys.aws_iam_" + (grant ? "grant" : "revoke") + "(" + literal(name) + ", '" + m.group(3) + "')";
    }

    /** A statement that fails with this SQLSTATE and message (both ours, never client text). */
    private static String raise(String sqlState, String message) {
        return "DO $iamdb$ BEGIN RAISE EXCEPTION '%', " + literal(message) + " USING ERRCODE = '" + sqlState
                + "'; END $iamdb$";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static int indexOfZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Walks the statements of a SQL text. All syntax that matters is ASCII, so it works on the UTF-8 bytes
     * without decoding them. After {@link #nextStatement()}: {@code [start, end)} is the statement without
     * leading whitespace and comments and without its semicolon, {@code words} its first keywords in upper
     * case (null where fewer), {@code advisoryLockFunction} the first {@code pg_advisory_*} or
     * {@code pg_try_advisory_*} function it names, in lower case, or null.
     */
    private static final class Lexer {
        private final byte[] sql;
        private final int to;
        private int pos;
        int start;
        int end;
        final String[] words = new String[LEADING_WORDS + 1];
        String advisoryLockFunction;

        Lexer(byte[] sql, int from, int to) {
            this.sql = sql;
            this.pos = from;
            this.to = to;
        }

        boolean nextStatement() {
            start = -1;
            int wordCount = 0;
            Arrays.fill(words, null);
            advisoryLockFunction = null;
            while (pos < to) {
                int b = sql[pos] & 0xff;
                int next = pos + 1 < to ? sql[pos + 1] & 0xff : -1;
                if (b == ';') {
                    pos++;
                    if (start >= 0) {
                        end = pos - 1;
                        return true;
                    }
                    continue;
                }
                if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f') {
                    pos++;
                    continue;
                }
                if (b == '-' && next == '-') {
                    while (pos < to && sql[pos] != '\n') {
                        pos++;
                    }
                    continue;
                }
                if (b == '/' && next == '*') {
                    skipBlockComment();
                    continue;
                }
                if (start < 0) {
                    start = pos;
                }
                if (b == '\'') {
                    skipQuoted('\'', pos > start && (sql[pos - 1] | 0x20) == 'e' && (pos - 1 == start || !isWordByte(sql[pos - 2] & 0xff)));
                } else if (b == '"') {
                    skipQuoted('"', false);
                } else if (b == '$' && (pos == start || !isWordByte(sql[pos - 1] & 0xff)) && skipDollarQuote()) {
                    continue;
                } else if (isWordStart(b)) {
                    int wordStart = pos;
                    while (pos < to && isWordByte(sql[pos] & 0xff)) {
                        pos++;
                    }
                    if (wordCount < LEADING_WORDS) {
                        words[wordCount++] = new String(sql, wordStart, pos - wordStart, StandardCharsets.UTF_8)
                                .toUpperCase(Locale.ROOT);
                    }
                    if (advisoryLockFunction == null && (startsWithIgnoreCase(wordStart, "pg_advisory_")
                            || startsWithIgnoreCase(wordStart, "pg_try_advisory_"))) {
                        advisoryLockFunction = new String(sql, wordStart, pos - wordStart, StandardCharsets.UTF_8)
                                .toLowerCase(Locale.ROOT);
                    }
                } else {
                    pos++;
                }
            }
            end = to;
            return start >= 0;
        }

        private void skipBlockComment() {
            int depth = 0;
            while (pos < to) {
                if (sql[pos] == '/' && pos + 1 < to && sql[pos + 1] == '*') {
                    depth++;
                    pos += 2;
                } else if (sql[pos] == '*' && pos + 1 < to && sql[pos + 1] == '/') {
                    depth--;
                    pos += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    pos++;
                }
            }
        }

        /** Skips a '…' or "…" token; a doubled quote stays inside, as does a backslash-escaped one in E'…'. */
        private void skipQuoted(char quote, boolean backslashEscapes) {
            pos++;
            while (pos < to) {
                byte b = sql[pos++];
                if (backslashEscapes && b == '\\') {
                    pos++;
                } else if (b == quote) {
                    if (pos < to && sql[pos] == quote) {
                        pos++;
                    } else {
                        return;
                    }
                }
            }
        }

        /** At a '$': skips a $tag$…$tag$ string and returns true, or returns false if this is no dollar quote. */
        private boolean skipDollarQuote() {
            int tagEnd = pos + 1;
            if (tagEnd < to && isWordStart(sql[tagEnd] & 0xff)) {
                while (tagEnd < to && isWordByte(sql[tagEnd] & 0xff) && sql[tagEnd] != '$') {
                    tagEnd++;
                }
            }
            if (tagEnd >= to || sql[tagEnd] != '$') {
                return false;
            }
            int tagLength = tagEnd - pos + 1;
            for (int i = tagEnd + 1; i + tagLength <= to; i++) {
                if (sql[i] == '$' && Arrays.equals(sql, i, i + tagLength, sql, pos, pos + tagLength)) {
                    pos = i + tagLength;
                    return true;
                }
            }
            pos = to; // Unterminated: the rest is string content.
            return true;
        }

        private boolean startsWithIgnoreCase(int at, String prefix) {
            if (to - at < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if ((sql[at + i] | 0x20) != prefix.charAt(i) && sql[at + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isWordStart(int b) {
            return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b >= 0x80;
        }

        private static boolean isWordByte(int b) {
            return isWordStart(b) || (b >= '0' && b <= '9') || b == '$';
        }
    }
}
