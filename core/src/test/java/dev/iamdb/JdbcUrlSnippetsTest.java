package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Java snippets of docs/jdbc-url.md, verbatim, against the testkit. */
class JdbcUrlSnippetsTest {
    private static final Identity PROD = Identity.of("AKIAJDBCURLPROD00001", "jdbc-url-prod-secret-not-real",
            Identity.DEFAULT_PRINCIPAL_ARN);

    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(PROD).role("app"));

    /** The guide's URL, but to the testkit: loopback, its CA, tokens signed for its endpoint name. */
    private static String url(LocalIamDatabase db) {
        return db.iamdbJdbcUrl();
    }

    @Test
    void hikariReadsTheGuidesFileFromTheClassPath(LocalIamDatabase db) throws Exception {
        // The guide's hikari.properties at the class path root, with only the URL and credentials pointing at the testkit.
        Properties file = IamDriverTest.resource("hikari.properties");
        file.setProperty("jdbcUrl", url(db) + "&awsCredentialsProvider=" + ProdCredentials.class.getName());
        Path classPathRoot = Path.of(JdbcUrlSnippetsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path written = classPathRoot.resolve("hikari.properties");
        try (OutputStream out = Files.newOutputStream(written)) {
            file.store(out, "written by JdbcUrlSnippetsTest");
        }
        try {
            HikariDataSource pool = new HikariDataSource(new HikariConfig("/hikari.properties"));
            try (pool; Connection c = pool.getConnection()) {
                assertThat(c.getMetaData().getUserName()).isEqualTo("app");
            }
        } finally {
            Files.delete(written);
            ((IamDriver) DriverManager.getDriver("jdbc:iamdb:postgresql://any/postgres")).close();
        }
    }

    @Test
    void driverManagerWithAProfileAndClosingTheDriversCaches(LocalIamDatabase db, @TempDir Path home) throws Exception {
        Path credentials = Files.writeString(home.resolve("credentials"), "[prod]\naws_access_key_id = "
                + PROD.accessKeyId() + "\naws_secret_access_key = " + PROD.secretAccessKey() + "\n");
        Path config = Files.writeString(home.resolve("config"), "");
        String oldCredentials = System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        String oldConfig = System.setProperty("aws.configFile", config.toString());
        String url = url(db);
        db.clearDecisions();
        try {
            Properties props = new Properties();
            props.setProperty("user", "admin");
            props.setProperty("awsProfile", "prod");
            try (Connection c = DriverManager.getConnection(url, props)) {
                // …
            }
            IamDriver registered = (IamDriver) DriverManager.getDriver(url);
            assertThat(registered.tokenProviders()).hasSize(1);

            ((IamDriver) DriverManager.getDriver("jdbc:iamdb:postgresql://any/postgres")).close();

            assertThat(registered.tokenProviders()).isEmpty();
        } finally {
            restore("aws.sharedCredentialsFile", oldCredentials);
            restore("aws.configFile", oldConfig);
        }
        assertThat(db.decisions()).extracting(AuthDecision::user, AuthDecision::accessKeyId, AuthDecision::accepted)
                .containsExactly(tuple("admin", PROD.accessKeyId(), true));
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** PROD's credentials, named in the URL by class. */
    public static final class ProdCredentials implements software.amazon.awssdk.auth.credentials.AwsCredentialsProvider {
        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(PROD.accessKeyId(), PROD.secretAccessKey());
        }
    }
}
