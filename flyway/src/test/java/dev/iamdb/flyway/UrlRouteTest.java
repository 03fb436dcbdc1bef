package dev.iamdb.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flyway configured only by settings, with a {@code jdbc:iamdb:postgresql:} URL: Flyway finds
 * {@link IamPostgreSQLDatabaseType} through its plugin mechanism and connects with iamdb's driver.
 * Credentials come from the default AWS chain (the {@code aws.*} system properties), as in production.
 */
class UrlRouteTest {
    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(Testkit.IDENTITY));

    private static DefaultChainCredentials credentials;

    private LocalIamDatabase db;

    @BeforeAll
    static void credentialsInTheDefaultChain() {
        credentials = DefaultChainCredentials.use(Testkit.IDENTITY);
    }

    @AfterAll
    static void restoreCredentials() {
        credentials.close();
    }

    @BeforeEach
    void emptySchema(LocalIamDatabase db) throws SQLException {
        this.db = db;
        Testkit.dropMigratedTables(db);
    }

    @Test
    void configurationMapWithAnIamdbUrl() throws SQLException {
        String url = Testkit.iamdbUrl(db);
        // guide:map:start
        Flyway flyway = Flyway.configure()
                .configuration(Map.of(
                        "flyway.url", url,
                        "flyway.user", "admin",
                        "flyway.locations", "classpath:db/migration"))
                .load();
        flyway.migrate();
        // guide:map:end

        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("2");
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertAllLoginsAcceptedForTheDefaultChainsCredentials();
    }

    @Test
    void flywayConfFileWithOnlyTheUrlOverridden() throws IOException, SQLException {
        Properties conf = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/test/resources/docs/flyway.conf"), StandardCharsets.UTF_8)) {
            conf.load(in);
        }
        conf.setProperty("flyway.url", Testkit.iamdbUrl(db));
        Flyway flyway = Flyway.configure().configuration(conf).load();

        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(2);
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertAllLoginsAcceptedForTheDefaultChainsCredentials();
    }

    /**
     * flyway.schemas (Spring Boot's spring.flyway.schemas): Flyway creates the schema as admin, which Aurora DSQL
     * allows and the testkit's admin may do too, and migrates into it.
     */
    @Test
    void migratesIntoASchemaThatFlywayCreatesAsAdmin() throws SQLException {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS inventory CASCADE");
        }
        Flyway flyway = Flyway.configure()
                .configuration(Map.of(
                        "flyway.url", Testkit.iamdbUrl(db),
                        "flyway.user", "admin",
                        "flyway.schemas", "inventory",
                        "flyway.locations", "classpath:db/migration"))
                .load();

        assertThat(flyway.migrate().migrationsExecuted).isEqualTo(2);
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT to_regclass('inventory.note') IS NOT NULL,"
                     + " to_regclass('inventory.flyway_schema_history') IS NOT NULL,"
                     + " (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'inventory')")) {
            r.next();
            assertThat(r.getBoolean(1)).as("table note in schema inventory").isTrue();
            assertThat(r.getBoolean(2)).as("Flyway's history in schema inventory").isTrue();
            assertThat(r.getString(3)).as("owner of schema inventory").isEqualTo("admin");
        }
        assertAllLoginsAcceptedForTheDefaultChainsCredentials();
    }

    @Test
    void aMisspeltIamdbSettingFailsBeforeAnyLoginAndIsNamed() throws SQLException {
        Flyway flyway = Flyway.configure()
                .configuration(Map.of(
                        "flyway.url", Testkit.iamdbUrl(db) + "&iamRegoin=us-east-1",
                        "flyway.user", "admin",
                        "flyway.locations", "classpath:db/migration"))
                .load();

        assertThatThrownBy(flyway::migrate)
                .isInstanceOf(FlywayException.class)
                .hasMessageContaining("iamRegoin")
                .hasMessageContaining("Known properties: iamHost, iamDefaultPort, iamRegion");
        assertThat(db.decisions()).isEmpty();
        assertThat(Testkit.tableExists(db, "flyway_schema_history")).isFalse();
    }

    private void assertAllLoginsAcceptedForTheDefaultChainsCredentials() {
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.user()).isEqualTo("admin");
            assertThat(d.accessKeyId()).isEqualTo(Testkit.IDENTITY.accessKeyId());
        });
    }
}
