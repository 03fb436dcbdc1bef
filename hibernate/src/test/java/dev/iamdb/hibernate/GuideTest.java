package dev.iamdb.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/hibernate.md shows the very files the tests run, so the guide cannot drift from working configuration. */
class GuideTest {
    private static final Path GUIDE = Path.of("..", "docs", "hibernate.md");

    @Test
    void guideShowsTheTestedHibernateProperties() throws IOException {
        assertThat(Files.readString(GUIDE)).contains(resource("src/test/resources/docs/hibernate.properties"));
    }

    @Test
    void guideShowsTheTestedPersistenceXml() throws IOException {
        assertThat(Files.readString(GUIDE)).contains(resource("src/test/resources/META-INF/persistence.xml"));
    }

    private static String resource(String path) throws IOException {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }
}
