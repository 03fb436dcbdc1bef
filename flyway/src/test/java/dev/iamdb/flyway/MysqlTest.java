package dev.iamdb.flyway;

import static dev.iamdb.testing.MysqlTestkitConfigs.flywayHistory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamConfig;
import dev.iamdb.testing.MysqlTestkitConfigs;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.mysql.LocalIamMysqlDatabase;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flyway on RDS for MySQL and MariaDB, against the MySQL testkit (MariaDB behind a gateway that checks tokens and
 * requires TLS): from settings with {@code jdbc:iamdb:mysql:} and {@code jdbc:iamdb:mariadb:} URLs, which only
 * {@link IamMySQLDatabaseType} and {@link IamMariaDBDatabaseType} let Flyway open, and from the API with a
 * {@code jdbc:mysql:} configuration.
 */
class MysqlTest {
    static LocalIamMysqlDatabase db;
    private static DefaultChainCredentials credentials;

    @BeforeAll
    static void start() {
        db = LocalIamMysqlDatabase.builder().identity(Testkit.IDENTITY).user("app").start();
        credentials = DefaultChainCredentials.use(Testkit.IDENTITY);
    }

    @AfterAll
    static void stop() {
        credentials.close();
        db.close();
    }

    @BeforeEach
    void emptySchema() throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + db.database() + ".note, " + db.database() + ".flyway_schema_history");
        }
        db.clearDecisions();
    }

    /** The guide's flyway.conf with only the URL pointed at the testkit; credentials from the default chain. */
    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void flywayConfWithAnIamdbUrl(String driver) throws IOException, SQLException {
        Properties conf = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/test/resources/docs/flyway-mysql.conf"), StandardCharsets.UTF_8)) {
            conf.load(in);
        }
        conf.setProperty("flyway.url", MysqlTestkitConfigs.iamdbUrl(db, driver));
        Flyway flyway = Flyway.configure().configuration(conf).load();

        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(2);
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertMigratedByApp();
    }

    @Test
    void iamFlywayWithAConnectorJConfiguration() throws SQLException {
        IamConfig config = IamConfig.builder()
                .url(MysqlTestkitConfigs.url(db, "mysql"))
                .property("user", "app")
                .credentialsProvider(TestkitConfigs.credentials(Testkit.IDENTITY))
                .build();
        try (IamFlyway iam = new IamFlyway(config)) {
            Flyway flyway = iam.configure()
                    .locations("classpath:db/migration")
                    .load();
            flyway.migrate();
        }
        assertMigratedByApp();
    }

    private void assertMigratedByApp() throws SQLException {
        assertThat(flywayHistory(db)).containsExactly("1:true", "2:true");
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.user()).isEqualTo("app");
            assertThat(d.accessKeyId()).isEqualTo(Testkit.IDENTITY.accessKeyId());
        });
    }
}
