package dev.iamdb.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import dev.iamdb.testkit.DefaultChainCredentials;
import dev.iamdb.testkit.AuthDecision;
import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.LocalIamDatabaseExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.jooq.CloseableDSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/jooq.md quotes {@link Database} and iamdb.properties verbatim, and that set-up works. */
class GuideTest {
    private static final Identity IDENTITY = Identity.of("AKIAJOOQGUIDE0000001", "jooq-guide-secret-not-real",
            Identity.DEFAULT_PRINCIPAL_ARN);

    @RegisterExtension
    static final LocalIamDatabaseExtension extension = new LocalIamDatabaseExtension(LocalIamDatabase.builder().identity(IDENTITY));

    private static final Path GUIDE = Path.of("../docs/jooq.md");

    @Test
    void guideSetUpLogsInAndWrites(LocalIamDatabase db) throws IOException {
        // Only what points at the testkit differs from the guide: the URL (loopback, the testkit's CA, the
        // emulated endpoint as iamHost) and the credentials, which the default chain reads from system properties.
        String url = db.iamdbJdbcUrl();
        try (DefaultChainCredentials credentials = DefaultChainCredentials.use(IDENTITY)) {
            try (CloseableDSLContext dsl = Database.open(url)) {
                dsl.execute("create table orders (id int primary key)");
            }

            try (CloseableDSLContext dsl = Database.open(url)) {
                Database.placeOrder(dsl, 42);
            }

            try (CloseableDSLContext dsl = Database.open(url)) {
                assertThat(dsl.fetchCount(table(name("orders")))).isEqualTo(1);
                assertThat(dsl.fetchValue("select current_setting('application_name')")).isEqualTo("orders-service");
            }
        }
        assertThat(db.decisions()).isNotEmpty().allMatch(AuthDecision::accepted);
    }

    @Test
    void guideQuotesTheCodeVerbatim() throws IOException {
        assertThat(Files.readString(GUIDE)).contains(markedLines(Path.of("src/test/java/dev/iamdb/jooq/Database.java")));
    }

    @Test
    void guideQuotesThePropertiesVerbatim() throws IOException {
        assertThat(Files.readString(GUIDE)).contains(Files.readString(Path.of("src/test/resources/iamdb.properties")));
    }

    /** The lines between the guide markers, without the class body's indentation. */
    private static String markedLines(Path source) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        int start = indexOf(lines, "// guide:start");
        int end = indexOf(lines, "// guide:end");
        assertThat(end).isGreaterThan(start);
        return lines.subList(start + 1, end).stream()
                .map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError("marker " + marker + " not found");
    }
}
