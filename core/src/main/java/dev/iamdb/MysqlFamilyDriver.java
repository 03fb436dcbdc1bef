package dev.iamdb;

import dev.iamdb.tls.AwsTrustStore;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * What MySQL Connector/J and MariaDB Connector/J share for RDS for MySQL, RDS for MariaDB and Aurora MySQL: the
 * token is sent with {@code mysql_clear_password}, as it is, so it must never travel in plain text; a refused login
 * is error 1045 / SQLSTATE 28000. Both drivers read setting names without regard to case.
 */
abstract class MysqlFamilyDriver implements TargetDriver {
    static final String PLAIN_TEXT = "the IAM token is sent with mysql_clear_password, as it is, and is a bearer "
            + "credential for 15 minutes: it must travel over TLS only. Remove the setting (iamdb then verifies the "
            + "server's certificate), or choose a mode that encrypts";

    /** The driver's setting names that take a TLS mode, with the values that allow plain text (lower case). */
    abstract Map<String, Set<String>> plainTextModes();

    /** Names (lower case) under which the user gives the driver their own trust; iamdb's then gives way. */
    abstract Set<String> trustSettings();

    /** The TLS mode iamdb sets, which checks the certificate's chain and that it names the host connected to. */
    abstract String verifyingMode();

    /** Whether a mode the user chose checks the certificate's chain, so that it needs trust. */
    abstract boolean verifiesChain(String mode);

    /** The settings that hand the driver {@link AwsTrustStore}. */
    abstract void addTrust(Properties p, String storeUrl);

    @Override
    public int defaultPort() {
        return 3306;
    }

    /** Connector/J and MariaDB Connector/J connect without selecting a database when the URL names none. */
    @Override
    public String defaultDatabase() {
        return null;
    }

    /** Percona Server for MySQL's auth_awsiam plugin. */
    @Override
    public boolean takesSessionTokenLogin() {
        return true;
    }

    @Override
    public boolean supports(IamService service) {
        return service == IamService.RDS;
    }

    @Override
    public void applyDefaults(IamConfig config, Properties p) {
        String mode = setting(config, "sslmode");
        if (mode == null) {
            p.setProperty("sslMode", verifyingMode());
        }
        boolean ownTrust = config.userDriverSettings().keySet().stream()
                .anyMatch(name -> trustSettings().contains(name.toLowerCase(Locale.ROOT)));
        if ((mode == null || verifiesChain(mode)) && !ownTrust) {
            addTrust(p, AwsTrustStore.path().toUri().toString());
        }
    }

    private static String setting(IamConfig config, String lowerCaseName) {
        for (Map.Entry<String, String> e : config.userDriverSettings().entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** {@code useSSL=false} and {@code requireSSL=false}, still read by both drivers, allow plain text as a mode would. */
    @Override
    public String refusal(String setting, String value) {
        String name = setting.toLowerCase(Locale.ROOT);
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        Set<String> plain = plainTextModes().get(name);
        if (plain != null && plain.contains(v)) {
            return "with " + setting + "=" + value + " " + PLAIN_TEXT;
        }
        if ((name.equals("usessl") || name.equals("requiressl")) && v.equals("false")) {
            return "with " + setting + "=" + value + " " + PLAIN_TEXT;
        }
        return null;
    }

    /** 1045 access denied, SQLSTATE 28000: how RDS for MySQL and MariaDB refuse a token. */
    @Override
    public boolean isLoginRejected(SQLException e) {
        return e.getErrorCode() == 1045 || "28000".equals(e.getSQLState());
    }

    /** RDS throttles IAM logins by delaying or refusing them as any other login; there is no quota code to back off on. */
    @Override
    public boolean isRateLimited(SQLException e) {
        return false;
    }

    @Override
    public boolean isTlsFailure(Throwable t) {
        String m = t.getMessage();
        return t instanceof SSLException || t instanceof GeneralSecurityException
                || (m != null && (m.contains("SSL") || m.contains("TLS")));
    }

    @Override
    public String rdsUserSetup(String user) {
        return "the database user was created with CREATE USER '" + user + "' IDENTIFIED WITH AWSAuthenticationPlugin AS "
                + "'RDS' (and may need REQUIRE SSL, which the connection meets over TLS)";
    }
}
