package dev.iamdb;

import static dev.iamdb.testing.TestkitConfigs.currentUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.AwsSystemProperties;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalAws;
import dev.iamdb.testkit.LocalAws.Route;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way the SDK's default chain finds credentials on AWS compute, end to end: a pool with no iamdb credentials
 * setting, the local AWS handing out the credentials, and the gateway accepting them as the route's role, the only
 * principal its database role is granted to (issue #15).
 */
class CredentialRoutesTest {

    private static final List<String> ROLES = List.of("irsa", "pod", "ecs", "ec2", "sso", "sso_legacy", "chain", "rotating");

    /** Shared by the local AWS, the gateway and iamdb, so that sessions and tokens age together when it moves. */
    private static final ManualClock clock = ManualClock.runningFromNow();
    private static LocalAws aws;
    private static LocalIamDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        LocalAws.Builder b = LocalAws.builder().clock(clock);
        // The profile chain's role requires an external id: the route's profile must carry it to AssumeRole.
        ROLES.forEach(role -> b.role(role.equals("chain") ? LocalAws.Role.named(role).withExternalId("ext-chain")
                : LocalAws.Role.named(role)));
        aws = b.start();
        db = LocalIamDatabase.builder().aws(aws).clock(clock).role(ROLES.toArray(String[]::new)).start();
        for (String role : ROLES) {
            // Revoke the testkit's default identity: only the route's role may log in as this database role.
            db.revoke(role, db.identity().principalArn());
            db.grant(role, aws.roleArn(role));
        }
    }

    @AfterAll
    static void stop() {
        db.close();
        aws.close();
    }

    @BeforeEach
    void forget() {
        db.clearDecisions();
    }

    /** A fresh configuration per test: the SDK reads some settings when a provider is built. */
    private static IamPooledDataSource pool(String user) {
        return new IamPooledDataSource(IamConfig.builder().url(db.iamdbJdbcUrl()).property("user", user)
                .property("pool.minimumIdle", "0").clock(clock).build());
    }

    private static void connectsAs(Route route, String role) throws SQLException {
        try (AwsSystemProperties settings = aws.useSystemProperties(route, role);
             IamPooledDataSource pool = pool(role);
             Connection c = pool.getConnection()) {
            assertThat(currentUser(c)).isEqualTo(role);
        }
        assertAcceptedAs(role);
    }

    /** Every login was accepted, signed with keys the local AWS issued for {@code role}. */
    private static void assertAcceptedAs(String role) {
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(principalOf(d)).isEqualTo(aws.roleArn(role));
        });
    }

    private static String principalOf(AuthDecision d) {
        return aws.issued().stream().filter(id -> id.accessKeyId().equals(d.accessKeyId())).map(Identity::principalArn)
                .findFirst().orElse("not issued by the local AWS: " + d.accessKeyId());
    }

    @Test
    void eksIamRolesForServiceAccounts() throws SQLException {
        connectsAs(Route.WEB_IDENTITY, "irsa");
    }

    @Test
    void eksPodIdentity() throws SQLException {
        connectsAs(Route.POD_IDENTITY, "pod");
    }

    @Test
    void ecsTaskRole() throws SQLException {
        connectsAs(Route.CONTAINER, "ecs");
    }

    @Test
    void ec2InstanceProfileThroughImdsV2() throws SQLException {
        connectsAs(Route.INSTANCE_METADATA, "ec2");
    }

    @Test
    void roleArnProfileWithASourceProfile() throws SQLException {
        connectsAs(Route.ROLE_PROFILE, "chain");
    }

    /**
     * The SSO cache lives under {@code HOME}, which the SDK reads before {@code user.home} and which has no system
     * property: the pool runs in a child JVM with the route's environment.
     */
    @Test
    void iamIdentityCenterProfileWithAnSsoSession() throws Exception {
        connectsInAChildJvm(Route.SSO_SESSION, "sso");
    }

    @Test
    void legacyIamIdentityCenterProfile() throws Exception {
        connectsInAChildJvm(Route.SSO_LEGACY, "sso_legacy");
    }

    /**
     * An {@code sso_session} login whose access token has ended: the SDK refreshes it with the session's refresh token
     * at the local SSO OIDC endpoint, writes the new one to the cache, and the pool logs in as the role.
     */
    @Test
    void anEndedSsoAccessTokenIsRefreshedFromItsSession() throws Exception {
        Map<String, String> env = aws.environment(Route.SSO_SESSION, "sso");
        String ended = aws.ssoLogin("sso", Duration.ofMinutes(-1), Duration.ofHours(8));
        connectsInAChildJvm(env, "sso");
        List<String> sessionLogins = new ArrayList<>();
        try (DirectoryStream<Path> cache = Files.newDirectoryStream(aws.home().resolve(".aws/sso/cache"))) {
            for (Path file : cache) {
                String login = Files.readString(file);
                if (login.contains("\"refreshToken\"")) {
                    sessionLogins.add(login);
                }
            }
        }
        assertThat(sessionLogins).as("the sso_session login, with the refreshed token written back").singleElement()
                .asString().contains("\"accessToken\"").doesNotContain(ended);
    }

    private static void connectsInAChildJvm(Route route, String role) throws Exception {
        connectsInAChildJvm(aws.environment(route, role), role);
    }

    private static void connectsInAChildJvm(Map<String, String> env, String role) throws Exception {
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CredentialRoutesChild.class.getName(), db.iamdbJdbcUrl(), role)
                .redirectErrorStream(true);
        child.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        child.environment().putAll(env);
        Process p = child.start();
        String output;
        try {
            // The child ends by itself; reading its output to the end waits for that.
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("current_user=" + role);
        assertAcceptedAs(role);
    }

    /**
     * The session ends at the gateway while the pool is in use, and the next connection signs with a refreshed one.
     * The SDK refreshes by the real time: an STS session whose expiration (by the shared clock, set back here) lies
     * within the SDK's 5-minute prefetch window, but outside its 1-minute stale time, is refreshed by the next caller
     * that asks, synchronously. Moving the shared clock an hour then expires the session at the gateway and iamdb's
     * token with it, without sleeping.
     */
    @Test
    void aSessionThatExpiresDuringTheRunIsReplacedWithoutAFailedConnection() throws SQLException {
        clock.set(Instant.now().minus(Duration.ofHours(1)).plus(Duration.ofMinutes(2)));
        try (AwsSystemProperties settings = aws.useSystemProperties(Route.WEB_IDENTITY, "rotating");
             IamPooledDataSource pool = pool("rotating");
             Connection first = pool.getConnection()) {
            assertThat(currentUser(first)).isEqualTo("rotating");

            clock.advance(Duration.ofHours(1));
            try (Connection second = pool.getConnection()) {
                assertThat(currentUser(second)).isEqualTo("rotating");
            }
        } finally {
            clock.set(Instant.now());
        }
        assertAcceptedAs("rotating");
        List<String> keys = new ArrayList<>();
        db.decisions().forEach(d -> keys.add(d.accessKeyId()));
        // The pool may open more than one connection before the clock moves; the last one used the new session.
        assertThat(keys).hasSizeGreaterThanOrEqualTo(2);
        assertThat(keys.subList(0, keys.size() - 1)).containsOnly(keys.get(0));
        assertThat(keys.get(keys.size() - 1)).isNotEqualTo(keys.get(0));
    }

    /**
     * A web identity token file that appears after the data source was built (written by a sidecar or an agent, or
     * mounted late) is used by the next connection, as the SDK's own chain would: the route is chosen once, but the
     * file is looked for again at every attempt.
     */
    @Test
    void aWebIdentityTokenFileWrittenAfterStartUpIsUsedWithoutRebuildingTheDataSource() throws Exception {
        Map<String, String> environment = aws.environment(Route.WEB_IDENTITY, "irsa");
        Path tokenFile = Path.of(environment.get("AWS_WEB_IDENTITY_TOKEN_FILE"));
        String token = Files.readString(tokenFile);
        Files.delete(tokenFile);
        try (AwsSystemProperties settings = AwsSystemProperties.set(environment);
             IamDataSource dataSource = new IamDataSource(IamConfig.builder().url(db.iamdbJdbcUrl())
                     .property("user", "irsa").clock(clock).build())) {
            assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageContaining("web identity (token file " + tokenFile)
                    .hasMessageContaining("does not exist")
                    .hasMessageContaining("Make AWS_WEB_IDENTITY_TOKEN_FILE name a token file this process can read");

            Files.writeString(tokenFile, token);
            // Past the back-off that follows a failed attempt (1 s), measured on the configuration's clock.
            clock.advance(Duration.ofSeconds(2));
            try (Connection c = dataSource.getConnection()) {
                assertThat(currentUser(c)).isEqualTo("irsa");
            }
        }
        assertAcceptedAs("irsa");
    }

    /** Opens a pool from the default chain in a child JVM, for routes that need environment variables. */
    static final class CredentialRoutesChild {
        public static void main(String[] args) throws SQLException, IOException {
            try (IamPooledDataSource pool = new IamPooledDataSource(IamConfig.builder().url(args[0])
                    .property("user", args[1]).property("pool.minimumIdle", "0").build());
                 Connection c = pool.getConnection()) {
                System.out.println("current_user=" + currentUser(c));
            }
        }
    }
}
