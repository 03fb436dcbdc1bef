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
 * {@code iamdb doctor} against a server with a trusted certificate for another name: the tls step fails because the
 * certificate does not name the signed host, and the token is never sent.
 */
class DoctorCertificateNameTest {
    private static final String ENDPOINT = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final Identity OWNER = Identity.of("AKIADOCTOREXAMPLE004", "doctor-name-secret",
            "arn:aws:iam::123456789012:role/doctor");

    private static LocalIamDatabase db;

    @RegisterExtension
    final FakeAwsCredentials aws = new FakeAwsCredentials();

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().endpoint(ENDPOINT).identity(OWNER).certificateNames("evil.example.com").start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void ownersKeys() {
        FakeAwsCredentials.use(OWNER.accessKeyId(), OWNER.secretAccessKey(), null);
    }

    @Test
    void certificateForAnotherName() {
        DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "admin");
        DoctorRun.Step failed = run.failedAt("tls", "login", "query");
        assertThat(failed.detail()).contains("for [evil.example.com]", "does not name the signed host " + ENDPOINT);
        assertThat(failed.fix()).contains("not the endpoint the token is for", "iamHost");
        assertThat(db.passwordsReceived()).as("the token never reaches a server that is not the endpoint").isZero();
    }
}
