package dev.iamdb;

import dev.iamdb.tls.AwsTrustSocketFactory;
import dev.iamdb.tls.SignedHostVerifier;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Properties;
import javax.net.ssl.SSLException;

/** pgjdbc ({@code org.postgresql:postgresql}), for Aurora DSQL and RDS / Aurora PostgreSQL. */
final class PostgresqlDriver implements TargetDriver {

    @Override
    public String subprotocol() {
        return "postgresql";
    }

    @Override
    public int defaultPort() {
        return 5432;
    }

    @Override
    public String defaultDatabase() {
        return "postgres";
    }

    @Override
    public boolean supports(IamService service) {
        return true;
    }

    @Override
    public String artifact() {
        return "org.postgresql:postgresql";
    }

    /**
     * {@code sslmode=verify-full} unless the user chose a mode. Unless the user chose their own trust
     * ({@code sslfactory}, {@code sslrootcert}): the JDK's certificate authorities, plus Amazon RDS's for RDS
     * endpoints. The certificate is checked against the signed host rather than the host connected to (they
     * differ through a tunnel, an IP address or another name), unless the user set {@code sslhostnameverifier}.
     */
    @Override
    public void applyDefaults(IamConfig config, Properties p) {
        p.setProperty(AwsTrustSocketFactory.SIGNED_HOST, config.signedHost());
        String mode = config.userDriverSetting("sslmode");
        if (mode == null) {
            p.setProperty("sslmode", "verify-full");
        }
        // A mode that checks no certificate (require, prefer) is the user's explicit choice: no trust to impose.
        boolean verifies = mode == null || mode.equalsIgnoreCase("verify-ca") || mode.equalsIgnoreCase("verify-full");
        if (verifies && !config.userSetDriverProperty("sslfactory") && !config.userSetDriverProperty("sslrootcert")) {
            p.setProperty("sslfactory", AwsTrustSocketFactory.class.getName());
            p.setProperty(AwsTrustSocketFactory.TRUST_RDS, Boolean.toString(config.service() == IamService.RDS));
        }
        // Also for a direct connection, where it checks the same name: whatever makes pgjdbc connect elsewhere, the
        // certificate must still name the endpoint the token is for.
        if (!config.userSetDriverProperty("sslhostnameverifier")) {
            p.setProperty("sslhostnameverifier", SignedHostVerifier.class.getName());
        }
    }

    /**
     * pgjdbc lets these replace the URL's host and port, which the token and TLS were chosen for: {@code PGHOST}
     * and {@code PGPORT}, and {@code host} and {@code port}, which it reads as those in any case.
     */
    @Override
    public String refusal(String setting, String value) {
        String name = setting.toUpperCase(java.util.Locale.ROOT);
        if (name.equals("PGHOST") || name.equals("PGPORT") || name.equals("HOST") || name.equals("PORT")) {
            return "it would make pgjdbc connect to another host or port than the URL's, for which the token is signed "
                    + "and TLS is set up; put the host and port in the URL (and iamHost for the host to sign for)";
        }
        return null;
    }

    /** 28000 invalid authorization, 28P01 invalid password: how PostgreSQL and the DSQL front end refuse a token. */
    @Override
    public boolean isLoginRejected(SQLException e) {
        String state = e.getSQLState();
        return "28000".equals(state) || "28P01".equals(state);
    }

    /** 53400 configuration limit exceeded: Aurora DSQL's new-connections-per-second quota. */
    @Override
    public boolean isRateLimited(SQLException e) {
        String state = e.getSQLState();
        // 53400 only: the rate passes within a second or two. 53300 (too many connections) lasts until others close.
        return "53400".equals(state);
    }

    /** pgjdbc reports TLS set-up problems (a missing root certificate file) in its own words, before any handshake. */
    @Override
    public boolean isTlsFailure(Throwable t) {
        return t instanceof SSLException || t instanceof GeneralSecurityException
                || (t.getMessage() != null && t.getMessage().contains("SSL"));
    }

    @Override
    public String tlsAdvice() {
        return "Check that the server is the endpoint the token is for: its certificate must be issued by a CA the JDK "
                + "or Amazon RDS's bundle trusts (else set sslrootcert to the CA file) and name the signed host (iamHost "
                + "through a tunnel); sslmode=require skips these checks and sends the token to any server.";
    }

    @Override
    public String rdsUserSetup(String user) {
        return "the database user was given GRANT rds_iam TO " + user;
    }
}
