package dev.iamdb.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamProperty;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * META-INF/spring-configuration-metadata.json (what IDEs complete {@code iamdb.*} from) lists every setting of core's
 * property table, with the table's description and default, and the starter's own {@code iamdb.retry.enabled}. It is
 * written from the table: when the table changes, this test fails and prints the file's new content.
 */
class MetadataTest {
    private static final String FILE = "META-INF/spring-configuration-metadata.json";

    @Test
    void metadataListsEveryPropertyOfTheTable() throws IOException {
        String actual;
        try (InputStream in = IamdbSettings.class.getClassLoader().getResourceAsStream(FILE)) {
            assertThat(in).as(FILE).isNotNull();
            actual = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String expected = metadata();
        assertThat(actual)
                .as("Replace spring/src/main/resources/%s with:%n%s", FILE, expected)
                .isEqualTo(expected);
        assertThat(Stream.of(IamProperty.values()).map(IamdbSettings::springName))
                .allSatisfy(name -> assertThat(actual).contains("\"name\": \"" + name + "\""));
    }

    /** The file's content, from the table. */
    static String metadata() {
        List<String> properties = new ArrayList<>();
        for (IamProperty p : IamProperty.values()) {
            properties.add(entry(IamdbSettings.springName(p), "java.lang.String",
                    p.description() + " Default: " + p.defaultValue() + ". Same as " + p.propertyName()
                            + " in a jdbc:iamdb: URL; see docs/configuration.md.", null));
        }
        properties.add(entry("iamdb.retry.enabled", "java.lang.Boolean", "Run @Transactional methods that start a "
                + "transaction again when Aurora DSQL reports an optimistic-concurrency conflict (SQLSTATE 40001, OC000, "
                + "OC001), with core's TransactionRetry defaults.", "false"));
        return "{\n  \"groups\": [\n    {\n      \"name\": \"iamdb\",\n      \"description\": "
                + quote("IAM database login through jdbc:iamdb: URLs (iamdb-spring-boot).") + "\n    }\n  ],\n"
                + "  \"properties\": [\n" + String.join(",\n", properties) + "\n  ]\n}\n";
    }

    private static String entry(String name, String type, String description, String defaultValue) {
        return "    {\n      \"name\": " + quote(name) + ",\n      \"type\": " + quote(type) + ",\n      \"description\": "
                + quote(description) + (defaultValue == null ? "" : ",\n      \"defaultValue\": " + defaultValue)
                + "\n    }";
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
