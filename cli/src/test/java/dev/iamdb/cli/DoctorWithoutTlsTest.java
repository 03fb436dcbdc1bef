package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iamdb doctor} against a server that offers no TLS: with {@code sslmode=prefer} pgjdbc logs in without it, so
 * the tls step warns and the login is still checked; with {@code sslmode=require} the tls step fails before any token
 * is sent, as pgjdbc would.
 */
class DoctorWithoutTlsTest {
    private static final String ENDPOINT = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final Identity OWNER = Identity.of("AKIADOCTOREXAMPLE004", "doctor-plain-secret",
            "arn:aws:iam::123456789012:role/doctor");

    private static LocalIamDatabase db;

    @RegisterExtension
    final FakeAwsCredentials aws = new FakeAwsCredentials();

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().endpoint(ENDPOINT).identity(OWNER).tls(false).start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void ownersKeys() {
        FakeAwsCredentials.use(OWNER.accessKeyId(), OWNER.secretAccessKey(), null);
        db.clearDecisions();
    }

    private static String url(String sslmode) {
        assertThat(db.iamdbJdbcUrl()).contains("sslmode=disable");
        return db.iamdbJdbcUrl().replace("sslmode=disable", "sslmode=" + sslmode);
    }

    @Test
    void preferLogsInWithoutTlsAndSaysSo() {
        DoctorRun run = DoctorRun.inProcess("--url", url("prefer"), "--user", "admin");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.step("tls").symbol()).isEqualTo("○");
        assertThat(run.step("tls").detail()).contains("does not offer TLS", "sslmode=prefer", "without TLS");
        assertThat(run.step("login").passed()).isTrue();
        assertThat(run.step("query").detail()).isEqualTo("select current_user returned admin");
        assertThat(run.out()).doesNotContain(OWNER.secretAccessKey(), "X-Amz-Signature");
    }

    @Test
    void requireFailsBeforeTheTokenIsSent() {
        DoctorRun run = DoctorRun.inProcess("--url", url("require"), "--user", "admin");
        assertThat(run.failedAt("tls", "login", "query").detail()).contains("does not offer TLS");
        assertThat(db.passwordsReceived()).isZero();
    }
}
