package dev.iamdb;

import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What iamdb must know about one family of JDBC drivers to log in through it: the URLs it takes, the
 * port a token is signed for when the URL names none, the TLS settings that keep a token from reaching an
 * unverified server, and how the driver reports a refused login or a TLS failure. Everything
 * driver-specific lives behind this seam, so a new family is one more implementation.
 */
interface TargetDriver {
    /** The families iamdb logs in through, in the order their prefixes are listed in messages. */
    List<TargetDriver> ALL = List.of(new PostgresqlDriver(), new MysqlDriver(), new MariadbDriver());

    /** The driver for {@code jdbc:<subprotocol>:}, or {@code null}. */
    static TargetDriver forSubprotocol(String subprotocol) {
        for (TargetDriver d : ALL) {
            if (d.subprotocol().equals(subprotocol)) {
                return d;
            }
        }
        return null;
    }

    /** For configurations built from a host without a URL (the command line): PostgreSQL, as before any other family existed. */
    static TargetDriver fallback() {
        return ALL.get(0);
    }

    static String supportedPrefixes() {
        return ALL.stream().map(d -> "jdbc:" + d.subprotocol() + ":").collect(Collectors.joining(", "));
    }

    /** The URL subprotocol, such as {@code postgresql}. */
    String subprotocol();

    /** The port the server listens on when the URL names none; RDS tokens sign it. */
    int defaultPort();

    /** The database a {@code jdbc:iamdb:} URL without one connects to, or {@code null} to leave it to the driver. */
    String defaultDatabase();

    /** Whether the family reaches endpoints of this service: Aurora DSQL speaks only PostgreSQL's protocol. */
    boolean supports(IamService service);

    /** The Maven coordinates to add when no driver on the class path takes the URL. */
    String artifact();

    /**
     * Adds the driver properties that make the connection verify the server before the token is sent, unless
     * the user set their own TLS settings; also refuses settings that would send the token elsewhere.
     */
    void applyDefaults(IamConfig config, Properties properties);

    /**
     * Why a driver setting (a property or URL parameter, by name, with its value) is refused, or {@code null} when it
     * is accepted: some would undo what the token and TLS were chosen for.
     */
    String refusal(String setting, String value);

    /** Whether servers of this family take the credentials' session token as the password (Percona's auth_awsiam). */
    default boolean takesSessionTokenLogin() {
        return false;
    }

    /** Whether the server refused the login (a wrong, expired or unauthorised token). */
    boolean isLoginRejected(SQLException e);

    /**
     * Whether the server refused the login because too many connections are being opened (Aurora DSQL's connection
     * rate and count quotas): a login that may succeed if tried again a little later.
     */
    boolean isRateLimited(SQLException e);

    /** Whether {@code t}, one link of a failure's cause chain, is the driver reporting a TLS problem. */
    boolean isTlsFailure(Throwable t);

    /** What to check about TLS, in this driver's setting names. */
    String tlsAdvice();

    /** The database side of an RDS IAM login for {@code user}, for the checklist after a refused login. */
    String rdsUserSetup(String user);
}
