package dev.iamdb.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamDriver;
import dev.iamdb.testing.TestkitConfigs;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@code examples/flyway-maven} with the {@code mvn} on the PATH: the Flyway Maven plugin with
 * iamdb-flyway as a plugin dependency, against the local IAM-verifying PostgreSQL.
 *
 * <p>The example must get the iamdb-core and iamdb-flyway of <em>this</em> build, which a plain
 * {@code mvn verify} never installs, and must not see stale snapshots in {@code ~/.m2}. So the test lays
 * out a local repository for the nested build: every group of this build's local repository is linked in
 * (Flyway, pgjdbc, the AWS SDK, all resolved by this module's own dependencies), except
 * {@code dev/iamdb}, which holds only the jars on this test's class path and the poms beside them. The
 * nested build runs offline; nothing is installed anywhere.
 */
class MavenPluginTest {
    @RegisterExtension
    static final LocalIamDatabaseExtension DB = new LocalIamDatabaseExtension(
            LocalIamDatabase.builder().identity(Testkit.IDENTITY));

    private static final Path EXAMPLE = Path.of("..", "examples", "flyway-maven", "pom.xml");
    private static final Path WORK = Path.of("target", "flyway-maven-example");
    private static final String VERSION = System.getProperty("iamdb.version");

    private static Path repository;

    @BeforeAll
    static void layOutRepository() throws IOException, URISyntaxException {
        repository = WORK.resolve("repository").toAbsolutePath();
        deleteTree(WORK);
        Path outer = Path.of(System.getProperty("iamdb.localRepository"));
        try (Stream<Path> groups = Files.list(outer)) {
            for (Path group : (Iterable<Path>) groups::iterator) {
                if (!group.getFileName().toString().equals("dev")) {
                    Files.createDirectories(repository);
                    Files.createSymbolicLink(repository.resolve(group.getFileName().toString()), group);
                }
            }
        }
        Path dev = outer.resolve("dev");
        if (Files.isDirectory(dev)) {
            try (Stream<Path> groups = Files.list(dev)) {
                for (Path group : (Iterable<Path>) groups::iterator) {
                    if (!group.getFileName().toString().equals("iamdb")) {
                        Files.createDirectories(repository.resolve("dev"));
                        Files.createSymbolicLink(repository.resolve("dev").resolve(group.getFileName().toString()), group);
                    }
                }
            }
        }
        put("iamdb-parent", Path.of("..", "pom.xml"), null);
        put("iamdb-core", Path.of("..", "core", "pom.xml"), classPathEntry(IamDriver.class));
        put("iamdb-flyway", Path.of("pom.xml"), classPathEntry(IamPostgreSQLDatabaseType.class));
    }

    @Test
    void flywayMavenPluginMigratesWithIamTokens(LocalIamDatabase db) throws Exception {
        Testkit.dropMigratedTables(db);
        Path log = WORK.resolve("build.log");
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-o", "-f", EXAMPLE.toString(),
                "-Dmaven.repo.local=" + repository, "-Diamdb.version=" + VERSION,
                // Only the URL differs from the example's pom: the local gateway, signing for its DSQL endpoint name.
                "-Dflyway.url=" + Testkit.iamdbUrl(db),
                "flyway:migrate", "flyway:info", "flyway:validate"));
        ProcessBuilder build = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = build.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", Testkit.IDENTITY.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", Testkit.IDENTITY.secretAccessKey());

        Process process = build.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);

        assertThat(finished).as("the example build finished within 5 minutes").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("Successfully applied 2 migrations")
                .contains("Successfully validated 2 migrations")
                .doesNotContain(Testkit.IDENTITY.secretAccessKey());
        assertThat(TestkitConfigs.flywayHistory(db)).containsExactly("1:true", "2:true");
        assertThat(db.decisions()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.accepted()).as(d.reason()).isTrue();
            assertThat(d.accessKeyId()).isEqualTo(Testkit.IDENTITY.accessKeyId());
        });
    }

    /** Places an artifact where a local repository keeps it. */
    private static void put(String artifactId, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repository.resolve(Path.of("dev", "iamdb", artifactId, VERSION)));
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Path target = dir.resolve(artifactId + "-" + VERSION + ".jar");
            if (Files.isDirectory(jar)) {
                jarUp(jar, target);
            } else {
                Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The jar, or the classes folder of a module built in the same reactor, that {@code type} was loaded from. */
    private static Path classPathEntry(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void jarUp(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
    }

    /** Deletes links, not what they point to: {@link Files#walk} does not follow them. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
