package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/configuration.md shows the property table exactly as the code defines it. */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final String START = "<!-- properties:start -->";
    private static final String END = "<!-- properties:end -->";

    @Test
    void propertyTableMatchesTheCode() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String documented = doc.substring(doc.indexOf(START) + START.length(), doc.indexOf(END)).strip();
        String expected = "| property | default | accepts | services | meaning |\n|---|---|---|---|---|\n" + Stream.of(IamProperty.values())
                .map(p -> "| `" + p.propertyName() + "` | " + p.defaultValue() + " | " + p.accepted() + " | " + p.services()
                        + " | " + p.description() + " |")
                .collect(Collectors.joining("\n"));
        assertThat(documented)
                .as("Replace the table between the markers in docs/configuration.md with:%n%s%n", expected)
                .isEqualTo(expected);
    }
}
