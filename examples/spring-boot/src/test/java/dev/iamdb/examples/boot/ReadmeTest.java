package dev.iamdb.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README shows the very application.properties that the application and its test run with. */
class ReadmeTest {
    @Test
    void readmeShowsTheApplicationsProperties() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String properties = Files.readString(Path.of("src/main/resources/application.properties"), StandardCharsets.UTF_8);

        assertThat(readme).contains("```properties\n" + properties + "```\n");
    }
}
