package dev.iamdb;

import static dev.iamdb.testing.MysqlTestkitConfigs.config;
import static dev.iamdb.testing.TestkitConfigs.credentials;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.ConnectionCheck.Status;
import dev.iamdb.ConnectionCheck.Step;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ConnectionCheck} through MySQL and MariaDB Connector/J to the local RDS for MySQL: TLS is negotiated inside
 * the login, so the tls step has nothing to check on its own and a TLS failure shows at login, with TLS advice.
 */
class ConnectionCheckMysqlTest {
    private static final Identity ID = Identity.of("AKIACHECKMYSQLTEST01", "check-mysql-secret-not-real", Identity.DEFAULT_PRINCIPAL_ARN);
    private static LocalIamMysqlDatabase db;

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().identity(ID).user("app", "rotated").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** GetCallerIdentity goes to a loopback port nothing listens on: no test reaches AWS. */
    @BeforeEach
    void noSts() throws IOException {
        try (ServerSocket closed = new ServerSocket(0)) {
            System.setProperty("aws.endpointUrlSts", "http://127.0.0.1:" + closed.getLocalPort());
        }
    }

    @AfterEach
    void restore() {
        System.clearProperty("aws.endpointUrlSts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void everyStepPassesAndTlsIsLeftToTheLogin(String driver) {
        ConnectionCheck check = ConnectionCheck.run(config(db, driver, "app"), Duration.ofSeconds(10));
        Map<String, Step> steps = byName(check);
        assertThat(check.passed()).as("%s", check.steps()).isTrue();
        assertThat(steps.get("configuration").detail()).contains("service rds", "action connect", "jdbc:" + driver + ":");
        assertThat(steps.get("tls").status()).isEqualTo(Status.NOT_CHECKED);
        assertThat(steps.get("tls").detail()).contains("negotiates TLS inside the login");
        assertThat(steps.get("query").detail()).isEqualTo("select current_user returned app@%");
        assertThat(check.steps().toString()).doesNotContain(ID.secretAccessKey(), ID.accessKeyId());
    }

    /** iamdb's default trust does not include the testkit's CA: the login fails as TLS, with the TLS advice. */
    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void untrustedCertificateFailsTheLoginAsTls(String driver) {
        IamConfig.Builder b = IamConfig.builder().url("jdbc:" + driver + "://127.0.0.1:" + db.port() + "/" + db.database())
                .property("user", "app").property("iamHost", db.endpoint()).property("iamDefaultPort", db.endpointPort())
                .credentialsProvider(credentials(ID));
        ConnectionCheck check = ConnectionCheck.run(b, Duration.ofSeconds(10));
        Map<String, Step> steps = byName(check);
        assertThat(check.passed()).isFalse();
        assertThat(steps.get("login").status()).isEqualTo(Status.FAILED);
        assertThat(steps.get("login").detail()).startsWith("TLS failed: ");
        assertThat(steps.get("login").fix()).isEqualTo(TargetDriver.forSubprotocol(driver).tlsAdvice());
        assertThat(steps.get("query").status()).isEqualTo(Status.SKIPPED);
    }

    private static Map<String, Step> byName(ConnectionCheck check) {
        return check.steps().stream().collect(Collectors.toMap(Step::name, Function.identity()));
    }
}
