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
 * {@code iamdb doctor} against a server whose certificate the client's trust does not cover (self-signed): the tls
 * step fails with who issued it and the TLS advice, and the token is never sent.
 */
class DoctorUntrustedCertificateTest {
    private static final String ENDPOINT = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    private static final Identity OWNER = Identity.of("AKIADOCTOREXAMPLE003", "doctor-tls-secret",
            "arn:aws:iam::123456789012:role/doctor");

    private static LocalIamDatabase db;

    @RegisterExtension
    final FakeAwsCredentials aws = new FakeAwsCredentials();

    @BeforeAll
    static void start() {
        db = LocalIamDatabase.builder().endpoint(ENDPOINT).identity(OWNER).selfSignedCertificate(true).start();
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
    void selfSignedCertificate() {
        DoctorRun run = DoctorRun.inProcess("--url", db.iamdbJdbcUrl(), "--user", "admin");
        DoctorRun.Step failed = run.failedAt("tls", "login", "query");
        assertThat(failed.detail()).contains("issued by itself (self-signed)", "not trusted by sslrootcert " + db.caCertificate());
        assertThat(failed.fix()).contains("sslrootcert", "iamHost");
        assertThat(db.passwordsReceived()).as("the token never reaches an untrusted server").isZero();
        assertThat(run.out()).doesNotContain(OWNER.secretAccessKey(), "X-Amz-Signature");
    }

    /** iamdb's own trust (no sslrootcert): the JDK's CAs, which do not include the testkit's. */
    @Test
    void iamdbsTrustByDefault() {
        String url = db.iamdbJdbcUrl().replaceAll("&sslrootcert=[^&]*", "");
        DoctorRun run = DoctorRun.inProcess("--url", url, "--user", "admin");
        assertThat(run.failedAt("tls", "login", "query").detail()).contains("not trusted by iamdb's trust (the JDK's CAs)");
    }
}
