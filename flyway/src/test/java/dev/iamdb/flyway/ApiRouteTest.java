package dev.iamdb.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iamdb.IamConfig;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import dev.iamdb.testkit.ManualClock;
import java.sql.SQLException;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flyway's Java API with {@link IamFlyway}, against the local IAM-verifying PostgreSQL and a clock the test moves. */
class ApiRouteTest {
    private static final ManualClock CLOCK = new ManualClock();

    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(Testkit.IDENTITY).clock(CLOCK));

    private LocalIamDatabase db;

    @BeforeEach
    void emptySchema(LocalIamDatabase db) throws SQLException {
        this.db = db;
        Testkit.dropMigratedTables(db);
    }

    /** The guide's configuration, pointed at the local database, with the test's clock and credentials. */
    private IamConfig config(Identity identity) {
        return IamConfig.builder()
                .url(Testkit.url(db))
                .property("user", "admin")
                .credentialsProvider(TestkitConfigs.credentials(identity))
                .clock(CLOCK)
                .build();
    }

    @Test
    void migratesThenReportsAndValidatesWithIamTokens() throws SQLException {
        IamConfig config = config(Testkit.IDENTITY);
        // guide:api:start
        try (IamFlyway iam = new IamFlyway(config)) {
            Flyway flyway = iam.configure()
                    .locations("classpath:db/migration")
                    .load();
            flyway.migrate();
        }
        // guide:api:end

        try (IamFlyway iam = new IamFlyway(config)) {
            Flyway flyway = iam.configure().locations("classpath:db/migration").load();
            assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("2");
            assertThat(flyway.info().pending()).isEmpty();
            assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        }
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.user()).isEqualTo("admin");
            assertThat(d.accessKeyId()).isEqualTo(Testkit.IDENTITY.accessKeyId());
        });
    }

    @Test
    void connectionsOpenedAfterTheFirstTokenExpiredLogInWithANewOne() throws SQLException {
        try (IamFlyway iam = new IamFlyway(config(Testkit.IDENTITY))) {
            Flyway flyway = iam.configure()
                    .locations("classpath:db/migration")
                    .javaMigrations(new V3__Write_after_token_expiry(CLOCK))
                    .load();
            Instant start = CLOCK.instant();

            assertThat(flyway.migrate().migrationsExecuted).isEqualTo(3);
            assertThat(flyway.validateWithResult().validationSuccessful).isTrue();

            assertThat(iam.dataSource().tokenProvider().tokensSigned()).isGreaterThanOrEqualTo(2);
            assertThat(db.decisions()).allSatisfy(d -> assertThat(d.accepted()).as(d.reason()).isTrue());
            // Logins after the expiry: the migration's own connection, then validate's.
            assertThat(db.decisions()).filteredOn(d -> d.time().isAfter(start.plusSeconds(900))).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true", "3:true");
    }

    @Test
    void aFailingMigrationIsRolledBackAndReportedByName() throws SQLException {
        try (IamFlyway iam = new IamFlyway(config(Testkit.IDENTITY))) {
            Flyway flyway = iam.configure().locations("classpath:db/migration", "classpath:db/broken").load();

            assertThatThrownBy(flyway::migrate)
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("V3__create_tag.sql")
                    .hasMessageContaining("syntax error");

            MigrationInfo failed = flyway.info().all()[2];
            assertThat(failed.getState()).isEqualTo(MigrationState.PENDING);
        }
        // PostgreSQL runs each migration in a transaction: V3 left neither a table nor a history row.
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertThat(Testkit.tableExists(db, "tag")).isFalse();
    }

    @Test
    void aRejectedTokenFailsTheRunBeforeAnyChangeAndSaysWhatToCheck() throws SQLException {
        try (IamFlyway iam = new IamFlyway(config(Testkit.IDENTITY))) {
            iam.configure().locations("classpath:db/migration").target("1").load().migrate();
        }
        db.clearDecisions();
        Identity unknown = Identity.generate();

        try (IamFlyway iam = new IamFlyway(config(unknown))) {
            Flyway flyway = iam.configure().locations("classpath:db/migration").load();

            assertThatThrownBy(flyway::migrate)
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("The server rejected the IAM token for user 'admin'")
                    .hasMessageContaining("dsql:DbConnectAdmin")
                    .hasMessageNotContaining(unknown.secretAccessKey());
        }
        assertThat(db.decisions()).isNotEmpty().noneMatch(AuthDecision::accepted);
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true");
        assertThat(Testkit.tableExists(db, "note")).isTrue();
    }
}
