package dev.iamdb;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose every new physical connection logs in with an IAM auth token as the
 * password, through the target JDBC driver named by the configuration's URL (pgjdbc for
 * {@code jdbc:postgresql:}, MySQL Connector/J for {@code jdbc:mysql:}, MariaDB Connector/J for {@code jdbc:mariadb:}).
 *
 * <p>This is not a pool: put it behind one ({@link IamPooledDataSource} does) so that tokens are
 * fetched only when the pool opens a connection. The token is never frozen into a pool's password,
 * which is what makes connections opened after the first 15 minutes fail with other libraries.
 *
 * <p>TLS is on by default, with settings chosen for the target driver and the endpoint (see
 * {@code docs/configuration.md}); any TLS setting given in the URL or the configuration overrides them.
 *
 * <p>When the server rejects a cached token, the token is dropped and one new token is tried; a
 * second rejection is reported with what to check. When it refuses a login because too many connections are being
 * opened (Aurora DSQL's connection rate, SQLSTATE 53400), the login is tried again after a pause with
 * jitter, until the {@link #setLoginTimeout login timeout} (30 s without one) would pass.
 */
public final class IamDataSource extends BaseDataSource implements AutoCloseable {
    private final TokenProvider tokens;
    private final boolean ownsTokens;
    private final String url;
    private final TargetDriver target;
    private final Properties connectProperties;
    private volatile Driver driver;
    private volatile int loginTimeoutSeconds;
    private volatile PrintWriter logWriter;

    /**
     * Creates the data source and the token provider (with its credentials) it owns; close to release them.
     *
     * @throws IamConfigException when the configuration has no URL, or carries pool settings, which only
     *         {@link IamPooledDataSource} uses
     */
    public IamDataSource(IamConfig config) {
        this(withoutPoolSettings(config), new TokenProvider(config), true);
    }

    /** For {@link IamPooledDataSource}, which applies the pool settings itself. */
    static IamDataSource forPool(IamConfig config) {
        return new IamDataSource(config, new TokenProvider(config), true);
    }

    private static IamConfig withoutPoolSettings(IamConfig config) {
        if (!config.poolSettings().isEmpty()) {
            IamConfig.Setting first = config.poolSettings().values().iterator().next();
            throw new IamConfigException(first.writtenAs(), "Pool setting " + first.writtenAs()
                    + " has no effect on an unpooled IamDataSource: use IamPooledDataSource, or remove it.");
        }
        return config;
    }

    /**
     * Connects with {@code config}'s URL and driver properties but a shared provider's tokens; the caller
     * makes sure both have the same {@link IamConfig#tokenKey()} and closes the provider.
     */
    IamDataSource(IamConfig config, TokenProvider tokens) {
        this(config, tokens, false);
    }

    private IamDataSource(IamConfig config, TokenProvider tokens, boolean ownsTokens) {
        super(config);
        if (config.url() == null) {
            if (ownsTokens) {
                tokens.close();
            }
            throw new IamConfigException("url", "An IAM DataSource needs a JDBC URL such as jdbc:postgresql://"
                    + config.signedHost() + ":5432/postgres; the configuration was built from a host only.");
        }
        this.tokens = tokens;
        this.ownsTokens = ownsTokens;
        this.url = config.url();
        this.target = config.driver();
        this.connectProperties = new Properties();
        connectProperties.putAll(config.driverProperties());
        target.applyDefaults(config, connectProperties);
    }

    /** Opens a new physical connection with a token from the cache, or a freshly signed one. */
    @Override
    public Connection getConnection() throws SQLException {
        long start = System.nanoTime();
        TokenProvider.Token token = tokens.next(loginTimeoutSeconds);
        LoginBackoff rateLimited = null;
        boolean renewed = false;
        while (true) {
            try {
                return connect(token.value());
            } catch (SQLException e) {
                if (target.isRateLimited(e)) {
                    if (rateLimited == null) {
                        rateLimited = new LoginBackoff(loginTimeoutSeconds, start);
                    }
                    // Not a refusal of the token: the same token is tried again after the pause.
                    rateLimited.pause(e, config.host());
                    continue;
                }
                if (!target.isLoginRejected(e)) {
                    throw explain(e);
                }
                tokens.metrics().loginRejected();
                tokens.invalidate(token.value());
                // A freshly signed token that is refused will be refused again: only a cached one earns a retry.
                if (!token.cached() || renewed) {
                    throw rejected(e);
                }
                renewed = true;
                token = tokens.next(loginTimeoutSeconds);
            }
        }
    }

    private Connection connect(String token) throws SQLException {
        Properties p = new Properties();
        p.putAll(connectProperties);
        p.setProperty("password", token);
        int timeout = loginTimeoutSeconds;
        if (timeout > 0 && !p.containsKey("loginTimeout")) {
            p.setProperty("loginTimeout", Integer.toString(timeout));
        }
        Connection c = driver().connect(url, p);
        if (c == null) {
            throw new SQLException("The JDBC driver " + driver.getClass().getName() + " did not accept " + urlWithoutQuery(), "08001");
        }
        return c;
    }

    private Driver driver() throws SQLException {
        Driver d = driver;
        if (d == null) {
            try {
                d = DriverManager.getDriver(url);
            } catch (SQLException e) {
                throw new SQLException("No JDBC driver on the class path accepts " + urlWithoutQuery() + ": add "
                        + target.artifact() + " to the application.", "08001", e);
            }
            driver = d;
        }
        return d;
    }

    private SQLException rejected(SQLException e) {
        return new SQLException("The server rejected the IAM token for user '" + config.user() + "' on " + config.host()
                + ": " + sentence(e.getMessage()) + " Check: " + rejectionChecklist(), e.getSQLState(), e);
    }

    /**
     * What to check when the server refuses a token, specific to the service and login kind: shared by the message of
     * a refused connection and {@link ConnectionCheck}'s login step.
     */
    String rejectionChecklist() {
        StringBuilder m = new StringBuilder();
        if (config.sessionTokenLogin()) {
            return m.append("the server runs Percona's auth_awsiam plugin and the user is created with it; ")
                    .append("the user is named after the IAM role whose session this is (the plugin looks for the user name in ")
                    .append("the caller's ARN); the credentials from ").append(tokens.credentialsSource())
                    .append(" are that role's, and current.").toString();
        }
        if (config.service() == IamService.DSQL) {
            m.append("the IAM policy allows ").append(config.admin() ? "dsql:DbConnectAdmin" : "dsql:DbConnect")
                    .append(" on this cluster; ")
                    .append(config.admin() ? "" : "the role exists WITH LOGIN and is mapped with AWS IAM GRANT " + config.user()
                            + " TO '<your IAM role ARN>'; ");
        } else {
            m.append("the IAM policy allows rds-db:connect on dbuser:<resource-id>/").append(config.user())
                    .append("; ").append(target.rdsUserSetup(config.user())).append("; ");
        }
        m.append("the token was signed for host '").append(config.signedHost());
        if (config.service() == IamService.RDS) {
            m.append(':').append(config.signedPort());
        }
        return m.append("' (set iamHost if you connect through a tunnel or another name) in region ").append(config.region())
                .append(" with credentials from ").append(tokens.credentialsSource())
                .append("; and that this machine's clock is correct.").toString();
    }

    /** The server's words as a sentence, so that the checklist after them reads as one. */
    private static String sentence(String message) {
        String m = message == null ? "" : message.strip();
        return m.endsWith(".") ? m : m + ".";
    }

    private SQLException explain(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (target.isTlsFailure(t)) {
                return new SQLException("TLS with " + config.host() + " failed: " + e.getMessage() + " " + target.tlsAdvice(),
                        e.getSQLState(), e);
            }
        }
        return e;
    }

    private String urlWithoutQuery() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /** The token provider behind this data source, for its counters. */
    public TokenProvider tokenProvider() {
        return tokens;
    }

    /** Releases the token provider and its credentials, if this data source created them. */
    @Override
    public void close() {
        if (ownsTokens) {
            tokens.close();
        }
    }

    @Override
    List<Object> layers() {
        return List.of(this);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public String toString() {
        return "IamDataSource[" + config + "]";
    }
}
