package dev.iamdb.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamDataSource;
import dev.iamdb.IamDriver;
import dev.iamdb.testing.NestedMavenBuild;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@code examples/jooq-codegen} with the {@code mvn} on the PATH: jOOQ's code generator with iamdb-core as a
 * plugin dependency and a {@code jdbc:iamdb:postgresql:} URL, reading the schema of the local IAM-verifying
 * PostgreSQL. {@link NestedMavenBuild} gives the nested build the iamdb-core of this build, offline.
 */
class CodegenMavenPluginTest {
    private static final Identity IDENTITY = Identity.of("AKIAJOOQCODEGEN00001", "jooq-codegen-secret-not-real",
            Identity.DEFAULT_PRINCIPAL_ARN);

    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(LocalIamDatabase.builder().identity(IDENTITY));

    private static final Path EXAMPLE = Path.of("..", "examples", "jooq-codegen");
    private static final String DRIVER_ELEMENT = "<driver>dev.iamdb.IamDriver</driver>";
    private static final String EXAMPLE_URL = "jdbc:iamdb:postgresql://your-cluster-id.dsql.us-east-1.on.aws/postgres";

    private static NestedMavenBuild maven;

    @BeforeAll
    static void setUp(LocalIamDatabase db) throws Exception {
        maven = NestedMavenBuild.in(Path.of("target", "jooq-codegen-example"))
                .artifact("iamdb-parent", Path.of("..", "pom.xml"), null)
                .artifact("iamdb-core", Path.of("..", "core", "pom.xml"), IamDriver.class);
        // Created as the IAM user the generator logs in as: PostgreSQL shows a user only the tables it may use.
        try (Connection c = new IamDataSource(TestkitConfigs.config(db, "admin").build()).getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS book (id integer PRIMARY KEY, title text NOT NULL)");
        }
    }

    @Test
    void generatesClassesFromTheSchemaWithIamTokens(LocalIamDatabase db) throws Exception {
        db.clearDecisions();
        Path pom = exampleAgainst(db);

        NestedMavenBuild.Result result = maven.run(pom, IDENTITY, "generate-sources");

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).doesNotContain(IDENTITY.secretAccessKey());
        Path book = pom.resolveSibling("target/generated-sources/jooq/com/example/db/tables/Book.java");
        assertThat(book).exists();
        assertThat(Files.readString(book)).contains("TITLE");
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.accessKeyId()).isEqualTo(IDENTITY.accessKeyId());
        });
    }

    /**
     * What docs/jooq.md says a user sees without the driver element: jOOQ picks pgjdbc from the URL, pgjdbc turns
     * the URL down without a word, and jOOQ's error has no cause. iamdb's code is never reached, so it cannot add
     * the fix to that message; the guide names it.
     */
    @Test
    void withoutTheDriverElementJooqInfersPgjdbcAndCannotConnect(LocalIamDatabase db) throws Exception {
        Path pom = exampleAgainst(db);
        NestedMavenBuild.replace(pom, DRIVER_ELEMENT, "");

        NestedMavenBuild.Result result = maven.run(pom, IDENTITY, "generate-sources");

        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).as(result.output())
                .contains("Inferring driver org.postgresql.Driver from URL jdbc:iamdb:postgresql:")
                .contains("Cannot connect to database using JDBC URL: jdbc:iamdb:postgresql:");
    }

    /** A copy of the example whose URL, the only change, is the local gateway's, signing for its DSQL endpoint name. */
    private static Path exampleAgainst(LocalIamDatabase db) throws Exception {
        Path pom = maven.copyProject(EXAMPLE).resolve("pom.xml");
        NestedMavenBuild.replace(pom, EXAMPLE_URL, db.iamdbJdbcUrl().replace("&", "&amp;"));
        return pom;
    }
}
