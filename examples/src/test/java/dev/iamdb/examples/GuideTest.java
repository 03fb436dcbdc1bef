package dev.iamdb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/examples.md names every example and configuration file there is, and shows the migrations as they are. */
class GuideTest {
    private static final Path GUIDE = Path.of("..", "docs", "examples.md");
    private static final Path RESOURCES = Path.of("src", "main", "resources");

    @Test
    void guideShowsTheMigrationsVerbatim() throws IOException {
        String guide = Files.readString(GUIDE);
        for (Path migration : files(RESOURCES.resolve("db/migration"))) {
            assertThat(guide).contains("`db/migration/" + migration.getFileName() + "`").contains(Files.readString(migration));
        }
    }

    @Test
    void guideNamesEveryExampleAndConfigurationFile() throws IOException {
        String guide = Files.readString(GUIDE);
        for (Path source : files(Path.of("src", "main", "java", "dev", "iamdb", "examples"))) {
            String name = source.getFileName().toString().replace(".java", "");
            if (name.endsWith("Example")) {
                assertThat(guide).contains("`" + name + "`");
            }
        }
        for (Path resource : files(RESOURCES.resolve("dev/iamdb/examples"))) {
            assertThat(guide).contains("`dev/iamdb/examples/" + resource.getFileName() + "`");
        }
        assertThat(guide).contains("`META-INF/persistence.xml`", "java -jar examples/target/iamdb-demo.jar");
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }
}
