package dev.iamdb;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.CredentialUtils;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Walks the path one connection takes (configuration, credentials, token, clock, network, TLS, login, a query)
 * and says for each step whether it worked, what it found and, when it failed, what to fix. A refused login only
 * says the password was wrong; this names the step that broke, which is what {@code iamdb doctor} prints.
 *
 * <p>A step that cannot mean anything after an earlier failure is {@linkplain Status#SKIPPED skipped}: no token
 * without credentials, no TLS without a TCP connection, no login without either. The STS, TCP, TLS and login waits
 * are bounded by the timeout (credentials providers keep the SDK's own). No step's text contains a token, a secret
 * key or a session token.
 */
public final class ConnectionCheck {
    /** AWS refuses SigV4 requests signed more than 5 minutes away from its own clock. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);

    /** How a step ended. */
    public enum Status {
        /** The step worked. */
        PASSED,
        /** The step found a problem; the step's fix says what to change. */
        FAILED,
        /** Not run, because a step it depends on failed. */
        SKIPPED,
        /** Run, but there was nothing to measure or check here (say, no server clock); never a failure by itself. */
        NOT_CHECKED
    }

    /**
     * One step of the connection path.
     *
     * @param name   a short name: configuration, credentials, token, clock, tcp, tls, login, query
     * @param status how it ended
     * @param detail one line: what was found, or why it failed
     * @param fix    what to change when it failed, else {@code null}
     */
    public record Step(String name, Status status, String detail, String fix) {
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private final List<Step> steps;

    private ConnectionCheck(List<Step> steps) {
        this.steps = Collections.unmodifiableList(steps);
    }

    /** The steps in the order a connection takes them. */
    public List<Step> steps() {
        return steps;
    }

    /** Whether a connection with this configuration works: no step failed or was skipped. */
    public boolean passed() {
        return steps.stream().noneMatch(s -> s.status() == Status.FAILED || s.status() == Status.SKIPPED);
    }

    /**
     * Builds the configuration and walks its connection path. Never throws for a problem on the path: each one is
     * a failed step. The configuration needs a JDBC URL.
     *
     * @param config  the settings, as for an {@link IamDataSource}; building them is the first step
     * @param timeout the longest wait for each network step (STS, TCP, TLS, login)
     */
    public static ConnectionCheck run(IamConfig.Builder config, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: '" + timeout + "' must be positive");
        }
        return new Walk(timeout).run(config);
    }

    /** One run; collects the steps. */
    private static final class Walk {
        private final List<Step> steps = new ArrayList<>();
        private final Duration timeout;
        private final int timeoutMillis;
        private IamConfig config;

        Walk(Duration timeout) {
            this.timeout = timeout;
            this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        }

        ConnectionCheck run(IamConfig.Builder builder) {
            if (!configuration(builder)) {
                skip("credentials", "token", "clock", "tcp", "tls", "login", "query");
                return new ConnectionCheck(steps);
            }
            Credentials credentials;
            try {
                credentials = new Credentials(config);
            } catch (IamConfigException e) {
                return withoutCredentials(e.getMessage(), "Correct " + e.property() + " as the message says.");
            } catch (RuntimeException e) {
                // The SDK's providers can refuse a malformed profile file while they are built.
                return withoutCredentials("could not set up credentials from " + config.credentialsSource() + ": "
                        + firstLine(e), "Check the AWS config and credentials files and the AWS_* environment variables.");
            }
            try (credentials) {
                Optional<Instant> serverDate = Optional.empty();
                TokenProvider tokens = null;
                AwsCredentialsIdentity identity = credentials(credentials);
                if (identity != null) {
                    serverDate = callerIdentity(credentials, identity);
                }
                if (identity != null && steps.get(steps.size() - 1).status() == Status.PASSED) {
                    credentials.retain();
                    tokens = TokenProvider.sharing(config, credentials, null);
                    if (!token(tokens)) {
                        tokens.close();
                        tokens = null;
                    }
                    clock(serverDate);
                } else {
                    skip("token", "clock");
                }
                try {
                    network(tokens);
                } finally {
                    if (tokens != null) {
                        tokens.close();
                    }
                }
            }
            return new ConnectionCheck(steps);
        }

        /** No credentials provider: nothing to sign with, but the network steps still say what they can. */
        private ConnectionCheck withoutCredentials(String detail, String fix) {
            fail("credentials", detail, fix);
            skip("token", "clock");
            network(null);
            return new ConnectionCheck(steps);
        }

        private boolean configuration(IamConfig.Builder builder) {
            try {
                config = builder.build();
            } catch (IamConfigException e) {
                fail("configuration", e.getMessage(), "Correct " + e.property() + " as the message says.");
                return false;
            }
            if (config.url() == null) {
                fail("configuration", "No JDBC URL: the connection path starts at a URL such as jdbc:iamdb:postgresql://"
                        + config.signedHost() + ":5432/postgres.", "Give the URL the application connects with.");
                return false;
            }
            StringBuilder d = new StringBuilder();
            if (config.sessionTokenLogin()) {
                d.append("iamLogin=session-token (the password is the credentials' session token)");
            } else {
                d.append("service ").append(config.service().propertyValue()).append(", region ").append(config.region())
                        .append(", signed host ").append(config.signedHost());
                if (config.service() == IamService.RDS) {
                    d.append(':').append(config.signedPort());
                }
                d.append(", action ").append(config.action());
            }
            d.append(", user ").append(config.user()).append(", connecting to ").append(config.host()).append(':')
                    .append(config.port()).append(" with jdbc:").append(config.driver().subprotocol()).append(':');
            pass("configuration", d.toString());
            return true;
        }

        /** The identity, or null after a failed step. */
        private AwsCredentialsIdentity credentials(Credentials credentials) {
            try {
                return credentials.resolve();
            } catch (SQLException e) {
                // The message ends with the source's fix, which gets its own line here.
                String message = e.getMessage();
                String fix = credentials.fix();
                if (message.endsWith(" " + fix)) {
                    message = message.substring(0, message.length() - fix.length() - 1);
                }
                fail("credentials", message, fix);
                return null;
            }
        }

        /**
         * Completes the credentials step with who AWS says they are. STS is asked only for the identity, with the
         * configuration's region and a short timeout; unreachable STS is not a failure (many networks block it),
         * but credentials STS refuses are. Returns STS's clock when it answered.
         */
        private Optional<Instant> callerIdentity(Credentials credentials, AwsCredentialsIdentity identity) {
            String who = "from " + credentials.describe(identity);
            // Only a session-token login (Percona) can have no region; STS answers GetCallerIdentity in any region.
            String region = config.region() != null ? config.region() : "us-east-1";
            try (StsClient sts = StsClient.builder()
                    .region(Region.of(region))
                    .credentialsProvider(StaticCredentialsProvider.create(CredentialUtils.toCredentials(identity)))
                    .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout).build())
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout).retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build()) {
                GetCallerIdentityResponse r = sts.getCallerIdentity();
                pass("credentials", who + ", identity " + r.arn());
                return r.sdkHttpResponse().firstMatchingHeader("Date").flatMap(Walk::httpDate);
            } catch (AwsServiceException e) {
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                fail("credentials", who + ", but STS GetCallerIdentity refused them (HTTP " + e.statusCode()
                        + (code == null ? "" : ", " + code) + ")",
                        "These credentials are not valid in AWS (deleted or inactive access key, expired session, or "
                                + "another partition than region " + region + "): renew them at their source.");
            } catch (SdkException e) {
                pass("credentials", who + "; identity not checked, STS is not reachable (" + firstLine(e) + ")");
            }
            return Optional.empty();
        }

        private boolean token(TokenProvider tokens) {
            String token;
            try {
                token = tokens.token();
            } catch (SQLException e) {
                fail("token", e.getMessage(), "See the cause above; signing needs credentials and a region only.");
                return false;
            }
            if (config.sessionTokenLogin()) {
                pass("token", "the session token of the credentials is the password (not shown)");
                return true;
            }
            AuthToken t = AuthToken.parse(token);
            pass("token", "signed for " + t.host() + (t.port().isPresent() ? ":" + t.port().getAsInt() : "") + ", service "
                    + t.service() + ", region " + t.region() + ", action " + t.action()
                    + (t.user() == null ? "" : ", user " + t.user()) + ", key " + keyPrefix(t.accessKeyId())
                    + (t.hasSessionToken() ? " with a session token" : "") + ", valid until " + t.expiresAt());
            return true;
        }

        private void clock(Optional<Instant> serverDate) {
            if (serverDate.isEmpty()) {
                steps.add(new Step("clock", Status.NOT_CHECKED, "not measurable: STS did not answer with its date, and "
                        + "the database tells its time only after login", null));
                return;
            }
            // HTTP dates have whole seconds: a difference under a second or two is rounding, not skew.
            Duration skew = Duration.between(serverDate.get(), config.clock().instant());
            String text = "this machine's clock is " + Math.abs(skew.toSeconds()) + " s " + (skew.isNegative() ? "behind" : "ahead of")
                    + " STS's (" + serverDate.get() + ")";
            if (skew.abs().compareTo(MAX_SKEW) > 0) {
                fail("clock", text, "AWS refuses tokens signed more than 5 minutes off: synchronise the clock (NTP, "
                        + "chrony, the Amazon Time Sync Service at 169.254.169.123).");
            } else {
                pass("clock", text);
            }
        }

        /** TCP, TLS, login and query; {@code tokens} is null when there is no token to log in with. */
        private void network(TokenProvider tokens) {
            if (!tcp()) {
                skip("tls", "login", "query");
                return;
            }
            if (!new TlsProbe(config, timeoutMillis).check(steps)) {
                skip("login", "query");
                return;
            }
            if (tokens == null) {
                skip("login", "query");
                return;
            }
            login(tokens);
        }

        private boolean tcp() {
            String where = config.host() + ":" + config.port();
            InetAddress address;
            try {
                address = InetAddress.getByName(config.host());
            } catch (UnknownHostException e) {
                fail("tcp", "host " + config.host() + " does not resolve", "Check the host name in the URL; inside a VPC, "
                        + "that DNS resolution and the endpoint (or its private DNS name) are enabled.");
                return false;
            }
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, config.port()), timeoutMillis);
            } catch (ConnectException e) {
                fail("tcp", "connection to " + where + " (" + address.getHostAddress() + ") refused",
                        "Nothing listens there: check the port in the URL (PostgreSQL and Aurora DSQL use 5432, MySQL 3306), "
                                + "and that the database is running.");
                return false;
            } catch (SocketTimeoutException e) {
                fail("tcp", "no answer from " + where + " (" + address.getHostAddress() + ") within " + timeoutMillis + " ms",
                        "Check that a security group, network ACL, firewall or route lets this machine reach that port, "
                                + "and that the database is publicly accessible if you connect from outside its VPC.");
                return false;
            } catch (IOException e) {
                fail("tcp", "could not connect to " + where + ": " + firstLine(e), "Check the host, port and network path.");
                return false;
            }
            pass("tcp", "connected to " + where + " (" + address.getHostAddress() + ") in "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            return true;
        }

        private void login(TokenProvider tokens) {
            IamDataSource dataSource = new IamDataSource(config, tokens);
            dataSource.setLoginTimeout((int) Math.max(1, timeout.toSeconds()));
            Connection c;
            try {
                c = dataSource.getConnection();
            } catch (SQLException e) {
                if (config.driver().isLoginRejected(e)) {
                    Throwable server = e.getCause() != null ? e.getCause() : e;
                    fail("login", "the server rejected the token for user '" + config.user() + "': " + firstLine(server),
                            "Check: " + dataSource.rejectionChecklist());
                } else if (isTlsFailure(e)) {
                    // MySQL and MariaDB negotiate TLS inside the login, so their TLS failures surface here.
                    fail("login", "TLS failed: " + firstLine(e.getCause() != null ? e.getCause() : e), config.driver().tlsAdvice());
                } else {
                    fail("login", firstLine(e), "See the message; the steps above rule out the network.");
                }
                skip("query");
                return;
            }
            try (c) {
                pass("login", "logged in as " + config.user() + server(c));
                query(c);
            } catch (SQLException e) {
                // Only closing can get here, after both steps are recorded: nothing left to report.
            }
        }

        /** " to PostgreSQL 17.6", or nothing when the driver cannot say. */
        private static String server(Connection c) {
            try {
                return " to " + c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            } catch (SQLException e) {
                return "";
            }
        }

        private boolean isTlsFailure(SQLException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (config.driver().isTlsFailure(t)) {
                    return true;
                }
            }
            return false;
        }

        private void query(Connection c) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_user")) {
                rs.next();
                pass("query", "select current_user returned " + rs.getString(1));
            } catch (SQLException e) {
                fail("query", "select current_user failed: " + firstLine(e), "The login works; check the role's privileges.");
            }
        }

        private void pass(String name, String detail) {
            steps.add(new Step(name, Status.PASSED, detail, null));
        }

        private void fail(String name, String detail, String fix) {
            steps.add(new Step(name, Status.FAILED, oneLine(detail), fix));
        }

        private void skip(String... names) {
            String after = steps.stream().filter(s -> s.status() == Status.FAILED).map(Step::name).reduce((a, b) -> b).orElse("?");
            for (String name : names) {
                steps.add(new Step(name, Status.SKIPPED, "skipped: the " + after + " step failed", null));
            }
        }

        private static Optional<Instant> httpDate(String value) {
            try {
                return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    /** AKIA (long-term) or ASIA (temporary) and the like tell enough; the rest of an access key id is left out. */
    static String keyPrefix(String accessKeyId) {
        return (accessKeyId.length() <= 4 ? accessKeyId : accessKeyId.substring(0, 4)) + "…";
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return oneLine(m);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
