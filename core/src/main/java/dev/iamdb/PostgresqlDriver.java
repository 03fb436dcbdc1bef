package dev.iamdb;

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
    public String artifact() {
        return "org.postgresql:postgresql";
    }

    /**
     * Straight to the endpoint: {@code sslmode=verify-full} with the JDK trust store, which holds the Amazon
     * root CAs. Elsewhere (a tunnel, an IP address), where the certificate cannot name the host connected
     * to: {@code sslmode=require}.
     */
    @Override
    public void applyDefaults(IamConfig config, Properties p) {
        if (config.userSetDriverProperty("sslmode")) {
            return;
        }
        boolean direct = Endpoint.normalise(config.host()).equals(config.signedHost());
        if (!direct) {
            p.setProperty("sslmode", "require");
            return;
        }
        p.setProperty("sslmode", "verify-full");
        if (!config.userSetDriverProperty("sslfactory") && !config.userSetDriverProperty("sslrootcert")) {
            p.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
        }
    }

    /** 28000 invalid authorization, 28P01 invalid password: how PostgreSQL and the DSQL front end refuse a token. */
    @Override
    public boolean isLoginRejected(SQLException e) {
        String state = e.getSQLState();
        return "28000".equals(state) || "28P01".equals(state);
    }

    /** 53400 configuration limit exceeded and 53300 too many connections: Aurora DSQL's connection quotas. */
    @Override
    public boolean isRateLimited(SQLException e) {
        String state = e.getSQLState();
        return "53400".equals(state) || "53300".equals(state);
    }

    /** pgjdbc reports TLS set-up problems (a missing root certificate file) in its own words, before any handshake. */
    @Override
    public boolean isTlsFailure(Throwable t) {
        return t instanceof SSLException || t instanceof GeneralSecurityException
                || (t.getMessage() != null && t.getMessage().contains("SSL"));
    }

    @Override
    public String tlsAdvice() {
        return "Check sslmode (verify-full needs a certificate that names the host you connect to), sslrootcert or the JVM trust store.";
    }

    @Override
    public String rdsUserSetup(String user) {
        return "the database user was given GRANT rds_iam TO " + user;
    }
}
