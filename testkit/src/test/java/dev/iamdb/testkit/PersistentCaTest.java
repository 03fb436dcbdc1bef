package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CA kept in a directory outlives the server, so a verify-full client keeps trusting it across restarts. */
class PersistentCaTest {

    @TempDir
    Path temp;

    /** Two starts on purpose: a restart is what is tested. */
    @Test
    void aClientTrustingTheFirstStartsCaConnectsToTheSecond() throws Exception {
        Path caDir = temp.resolve("ca");
        Path clientTrust = temp.resolve("client-root.crt");
        LocalIamDatabase.Builder builder = LocalIamDatabase.builder().caDirectory(caDir);
        try (LocalIamDatabase first = builder.start()) {
            assertThat(first.caCertificate()).isEqualTo(caDir.resolve("ca.pem"));
            Files.copy(first.caCertificate(), clientTrust);
        }
        assertThat(caDir.resolve("ca.pem")).as("kept after close").exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve("ca-key.pem"))))
                .isEqualTo("rw-------");

        try (LocalIamDatabase second = builder.start()) {
            assertThat(second.caCertificate()).hasSameTextualContentAs(clientTrust);
            String url = "jdbc:postgresql://" + second.host() + ":" + second.port()
                    + "/postgres?sslmode=verify-full&sslrootcert=" + clientTrust;
            try (Connection c = DriverManager.getConnection(url, props("admin", Tokens.dsql(second, second.identity(), "admin")))) {
                assertThat(query(c, "select current_user")).isEqualTo("admin");
            }
        }
    }

    @Test
    void refusesADirectoryHoldingOnlyTheKey() throws Exception {
        Path caDir = Files.createDirectories(temp.resolve("half"));
        Files.writeString(caDir.resolve("ca-key.pem"), "left over");
        assertThatThrownBy(() -> LocalIamDatabase.builder().caDirectory(caDir).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ca-key.pem but not ca.pem").hasMessageContaining(caDir.toString());
    }
}
