package dev.iamdb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example, unchanged, against one local IAM-verifying PostgreSQL (Aurora DSQL emulation, TLS verify-full).
 * Only the target differs from production: the local server's address, CA and endpoint name, and its fake
 * credentials ({@link LocalCredentials}).
 */
class ExamplesTest {
    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(LocalCredentials.IDENTITY).role("app"));

    private static Target app;

    @BeforeAll
    static void migrate(LocalIamDatabase db) {
        FlywayExample.Migration migration = FlywayExample.migrate(FlywayExample.config(Target.local(db, "admin")).build(), "app");

        assertThat(migration.executed()).isEqualTo(2);
        assertThat(migration.schemaVersion()).isEqualTo("2");
        assertThat(migration.tokens().signed()).as("one token for all of the run's connections").isEqualTo(1);
        assertThat(db.decisions()).isNotEmpty().allMatch(d -> d.accepted() && d.user().equals("admin"));
        app = Target.local(db, "app");
    }

    @BeforeEach
    void forgetDecisions(LocalIamDatabase db) {
        db.clearDecisions();
    }

    /** The pooled integrations: each signs one token for its pool's first connection. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pooledExamples")
    void pooledExample(String framework, Function<Target, Visit> example, LocalIamDatabase db) {
        Visit visit = example.apply(app);

        assertVisit(visit, framework, db);
        assertOneTokenSigned(visit);
    }

    static Stream<Arguments> pooledExamples() {
        return Stream.of(
                Arguments.of("Hibernate", (Function<Target, Visit>) HibernateExample::run),
                Arguments.of("JPA", (Function<Target, Visit>) JpaExample::run),
                Arguments.of("jOOQ", (Function<Target, Visit>) JooqExample::run),
                Arguments.of("MyBatis", (Function<Target, Visit>) MyBatisExample::run));
    }

    @Test
    void jdbcUrlWithHikariCp(LocalIamDatabase db) throws Exception {
        Visit visit = JdbcUrlExample.run(app);

        assertThat(visit.tokens()).as("the driver keeps its counters").isEmpty();
        assertVisit(visit, "JDBC", db);
    }

    @Test
    void migratingAgainAppliesNothing(LocalIamDatabase db) {
        FlywayExample.Migration again = FlywayExample.migrate(FlywayExample.config(Target.local(db, "admin")).build(), "app");

        assertThat(again.executed()).isZero();
        assertThat(again.schemaVersion()).isEqualTo("2");
    }

    /** An iamdb pool signs one token and reuses it for any further connection it opens meanwhile. */
    private static void assertOneTokenSigned(Visit visit) {
        assertThat(visit.tokens()).hasValueSatisfying(t -> assertThat(t.signed()).isEqualTo(1));
    }

    private static void assertVisit(Visit visit, String author, LocalIamDatabase db) {
        assertThat(visit.role()).isEqualTo("app");
        assertThat(visit.readBack()).isEqualTo("Hello from " + author);
        assertThat(visit.entries()).isPositive();
        List<AuthDecision> decisions = db.decisions();
        assertThat(decisions).as("each example logs in as app, with IAM").isNotEmpty()
                .allMatch(d -> d.accepted() && d.user().equals("app") && d.accessKeyId().equals(LocalCredentials.IDENTITY.accessKeyId()));
    }
}
