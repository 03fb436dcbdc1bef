package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testing.NestedMavenBuild;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@code examples/liquibase-maven} with the {@code mvn} on the PATH: the Liquibase Maven plugin with iamdb-core
 * as a plugin dependency and a {@code jdbc:iamdb:postgresql:} URL, against the local IAM-verifying PostgreSQL.
 * {@link NestedMavenBuild} gives the nested build the iamdb-core of this build, offline.
 */
class LiquibaseMavenPluginTest {
    private static final Identity IDENTITY = Identity.of("AKIALIQUIBASEMAVEN01", "liquibase-maven-secret-not-real",
            Identity.DEFAULT_PRINCIPAL_ARN);

    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(LocalIamDatabase.builder().identity(IDENTITY));

    private static final Path EXAMPLE = Path.of("..", "examples", "liquibase-maven");
    private static final String IGNORED_PASSWORD = "Ignoring the password \"null\" given as password";
    private static final String EXAMPLE_URL = "jdbc:iamdb:postgresql://your-cluster-id.dsql.us-east-1.on.aws/postgres";

    private static NestedMavenBuild maven;

    @BeforeAll
    static void layOutRepository() throws Exception {
        maven = NestedMavenBuild.in(Path.of("target", "liquibase-maven-example"))
                .artifact("iamdb-parent", Path.of("..", "pom.xml"), null)
                .artifact("iamdb-core", Path.of("pom.xml"), IamDriver.class);
    }

    @BeforeEach
    void emptySchema(LocalIamDatabase db) throws Exception {
        try (Connection c = db.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS note, databasechangelog, databasechangeloglock");
        }
        db.clearDecisions();
    }

    @Test
    void liquibaseMavenPluginUpdatesWithIamTokens(LocalIamDatabase db) throws Exception {
        NestedMavenBuild.Result result = maven.run(exampleAgainst(db), IDENTITY, "liquibase:update", "liquibase:status");

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).doesNotContain(IDENTITY.secretAccessKey()).doesNotContain(IGNORED_PASSWORD);
        assertThat(changeSets(db)).containsExactly("1", "2");
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.accessKeyId()).isEqualTo(IDENTITY.accessKeyId());
        });
    }

    /** Liquibase then sends the text "null" as the password: iamdb logs in all the same and says how to stop it. */
    @Test
    void withoutEmptyPasswordTheUpdateStillWorksAndIsWarnedAbout(LocalIamDatabase db) throws Exception {
        Path pom = exampleAgainst(db);
        NestedMavenBuild.replace(pom, "<emptyPassword>true</emptyPassword>", "");

        NestedMavenBuild.Result result = maven.run(pom, IDENTITY, "liquibase:update");

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains(IGNORED_PASSWORD).contains("<emptyPassword>true</emptyPassword>");
        assertThat(changeSets(db)).containsExactly("1", "2");
    }

    /** The copied example, whose URL, the only change, is the local gateway's, signing for its DSQL endpoint name. */
    private static Path exampleAgainst(LocalIamDatabase db) throws Exception {
        Path pom = maven.copyProject(EXAMPLE).resolve("pom.xml");
        NestedMavenBuild.replace(pom, EXAMPLE_URL, db.iamdbJdbcUrl().replace("&", "&amp;"));
        return pom;
    }

    private static List<String> changeSets(LocalIamDatabase db) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.adminConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM databasechangelog ORDER BY orderexecuted")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }
}
