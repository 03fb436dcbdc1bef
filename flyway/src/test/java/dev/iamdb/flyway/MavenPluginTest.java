package dev.iamdb.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamDriver;
import dev.iamdb.testing.NestedMavenBuild;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@code examples/flyway-maven} with the {@code mvn} on the PATH: the Flyway Maven plugin with
 * iamdb-flyway as a plugin dependency, against the local IAM-verifying PostgreSQL. {@link NestedMavenBuild}
 * gives the nested build the iamdb-core and iamdb-flyway of this build, offline.
 */
class MavenPluginTest {
    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(Testkit.IDENTITY));

    private static final Path EXAMPLE = Path.of("..", "examples", "flyway-maven", "pom.xml");

    private static NestedMavenBuild maven;

    @BeforeAll
    static void layOutRepository() throws IOException {
        maven = NestedMavenBuild.in(Path.of("target", "flyway-maven-example"))
                .artifact("iamdb-parent", Path.of("..", "pom.xml"), null)
                .artifact("iamdb-core", Path.of("..", "core", "pom.xml"), IamDriver.class)
                .artifact("iamdb-flyway", Path.of("pom.xml"), IamPostgreSQLDatabaseType.class);
    }

    @Test
    void flywayMavenPluginMigratesWithIamTokens(LocalIamDatabase db) throws Exception {
        Testkit.dropMigratedTables(db);
        NestedMavenBuild.Result result = maven.run(EXAMPLE, Testkit.IDENTITY,
                // Only the URL differs from the example's pom: the local gateway, signing for its DSQL endpoint name.
                "-Dflyway.url=" + Testkit.iamdbUrl(db),
                "flyway:migrate", "flyway:info", "flyway:validate");

        assertThat(result.finished()).as("the example build finished within 5 minutes").isTrue();
        assertThat(result.exitValue()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("Successfully applied 2 migrations")
                .contains("Successfully validated 2 migrations")
                .doesNotContain(Testkit.IDENTITY.secretAccessKey());
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.accessKeyId()).isEqualTo(Testkit.IDENTITY.accessKeyId());
        });
    }
}
