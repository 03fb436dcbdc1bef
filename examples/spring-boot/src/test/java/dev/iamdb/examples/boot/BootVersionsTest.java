package dev.iamdb.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parent pom manages its own Hibernate, Flyway, pgjdbc, HikariCP, SLF4J and AssertJ versions, and those outrank
 * an imported BOM; pom.xml restates Boot's. This keeps the restated versions equal to those of the Boot release the
 * parent names, so that a Boot upgrade cannot leave the example on versions Boot was not released with.
 */
class BootVersionsTest {
    @ParameterizedTest
    @ValueSource(strings = {"hibernate", "flyway", "postgresql", "hikaricp", "slf4j", "assertj"})
    void builtWithBootsVersionOf(String library) throws IOException {
        String bom = Files.readString(Path.of(System.getProperty("boot.bom")), StandardCharsets.UTF_8);
        Matcher managed = Pattern.compile("<" + library + "\\.version>([^<]+)</").matcher(bom);

        assertThat(managed.find()).as("%s.version in %s", library, System.getProperty("boot.bom")).isTrue();
        assertThat(System.getProperty("built." + library + ".version")).isEqualTo(managed.group(1));
    }
}
