package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/jdbc-url.md shows the configurations IamDriverTest runs, character for character. */
class JdbcUrlGuideTest {
    private static final Path GUIDE = Path.of("..", "docs", "jdbc-url.md");

    @ParameterizedTest
    @ValueSource(strings = {"application.properties", "hikari.properties"})
    void guideShowsTheTestedConfiguration(String name) throws IOException {
        String configuration;
        try (InputStream in = JdbcUrlGuideTest.class.getResourceAsStream("/jdbc-url/" + name)) {
            configuration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(GUIDE, StandardCharsets.UTF_8))
                .as("docs/jdbc-url.md must show src/test/resources/jdbc-url/%s verbatim", name)
                .contains("```properties\n" + configuration + "```");
    }
}
