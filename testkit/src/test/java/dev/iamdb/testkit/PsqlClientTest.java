package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** libpq (psql) logs in with a token as password and sslmode=verify-full, as it would against AWS. */
@ExtendWith(LocalIamDatabaseExtension.class)
class PsqlClientTest {

    private static final Path PSQL = Path.of("/usr/bin/psql");

    @Test
    void psqlConnectsWithTokenAndVerifiesTheCertificate(LocalIamDatabase db) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PSQL), "psql is not installed");
        assertThat(run(db, "127.0.0.1", Tokens.dsql(db, db.identity(), "admin"))).isEqualTo("admin|t");
        assertThat(run(db, "localhost", Tokens.dsql(db, db.identity(), "admin"))).isEqualTo("admin|t");
    }

    @Test
    void psqlSeesTheRejection(LocalIamDatabase db) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PSQL), "psql is not installed");
        assertThat(run(db, "127.0.0.1", Tokens.dsql(db, db.identity(), "app"))).contains("wrong action DbConnect");
    }

    private static String run(LocalIamDatabase db, String host, String token) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(PSQL.toString(), "-X", "-A", "-t", "-c",
                "select current_user, current_setting('application_name') = 'psql'",
                "host=" + host + " port=" + db.port() + " dbname=postgres user=admin sslmode=verify-full sslrootcert="
                        + db.caCertificate());
        pb.environment().put("PGPASSWORD", token);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
