package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iamdb doctor} against servers that offer no TLS. On RDS with {@code sslmode=prefer} pgjdbc logs in without
 * it, so the tls step warns and the login is still checked; {@code sslmode=require} fails at the tls step before any
 * token is sent, as pgjdbc would. An Aurora DSQL endpoint always offers TLS, so one that does not fails even under
 * {@code prefer}.
 */
class DoctorWithoutTlsTest {
    private static final String DSQL_ENDPOINT = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final Identity OWNER = Identity.of("AKIADOCTOREXAMPLE004", "doctor-plain-secret",
            "arn:aws:iam::123456789012:role/doctor");

    private static LocalIamDatabase dsql;
    private static LocalIamDatabase rds;

    @RegisterExtension
    final FakeAwsCredentials aws = new FakeAwsCredentials();

    @BeforeAll
    static void start() {
        dsql = LocalIamDatabase.builder().endpoint(DSQL_ENDPOINT).identity(OWNER).tls(false).start();
        rds = LocalIamDatabase.builder().service(Service.RDS).identity(OWNER).role("app").tls(false).start();
    }

    @AfterAll
    static void stop() {
        dsql.close();
        rds.close();
    }

    @BeforeEach
    void ownersKeys() {
        FakeAwsCredentials.use(OWNER.accessKeyId(), OWNER.secretAccessKey(), null);
        dsql.clearDecisions();
        rds.clearDecisions();
    }

    private static String url(LocalIamDatabase db, String sslmode) {
        assertThat(db.iamdbJdbcUrl()).contains("sslmode=disable");
        return db.iamdbJdbcUrl().replace("sslmode=disable", "sslmode=" + sslmode);
    }

    @Test
    void preferOnRdsLogsInWithoutTlsAndSaysSo() {
        DoctorRun run = DoctorRun.inProcess("--url", url(rds, "prefer"), "--user", "app");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.step("tls").symbol()).isEqualTo("○");
        assertThat(run.step("tls").detail()).contains("does not offer TLS", "sslmode=prefer", "without TLS");
        assertThat(run.step("login").passed()).isTrue();
        assertThat(run.step("query").detail()).isEqualTo("select current_user returned app");
        assertThat(run.out()).doesNotContain(OWNER.secretAccessKey(), "X-Amz-Signature");
    }

    @Test
    void requireFailsBeforeTheTokenIsSent() {
        DoctorRun run = DoctorRun.inProcess("--url", url(rds, "require"), "--user", "app");
        assertThat(run.failedAt("tls", "login", "query").detail())
                .contains("does not offer TLS", "sslmode=require requires it", "The token was not sent");
        assertThat(rds.passwordsReceived()).isZero();
    }

    @Test
    void anAuroraDsqlEndpointWithoutTlsIsNotTheClusterEvenUnderPrefer() {
        DoctorRun run = DoctorRun.inProcess("--url", url(dsql, "prefer"), "--user", "admin");
        assertThat(run.failedAt("tls", "login", "query").detail())
                .contains("does not offer TLS", "Aurora DSQL always offers it", "The token was not sent");
        assertThat(dsql.passwordsReceived()).isZero();
    }
}
