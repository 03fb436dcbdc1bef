package dev.iamdb.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.IamConfig;
import dev.iamdb.IamService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/flyway.md shows the very configuration and code the tests run, so the guide cannot drift from them. */
class GuideTest {
    private static final Path GUIDE = Path.of("..", "docs", "flyway.md");

    @Test
    void guideShowsTheTestedFlywayConf() throws IOException {
        assertThat(guide()).contains(read(Path.of("src/test/resources/docs/flyway.conf")));
    }

    @Test
    void guideShowsTheTestedApiCode() throws IOException {
        assertThat(guide()).contains(region(Path.of("src/test/java/dev/iamdb/flyway/ApiRouteTest.java"), "api"));
    }

    @Test
    void guideShowsTheTestedConfigurationMap() throws IOException {
        assertThat(guide()).contains(region(Path.of("src/test/java/dev/iamdb/flyway/UrlRouteTest.java"), "map"));
    }

    /** The guide's IamConfig, verbatim; ApiRouteTest runs the same settings against the testkit. */
    @Test
    void guidesConfigurationSignsAdminTokensForTheClusterEndpoint() {
        IamConfig config = IamConfig.builder()
                .url("jdbc:postgresql://your-cluster-id.dsql.us-east-1.on.aws:5432/postgres")
                .property("user", "admin")
                .build();

        assertThat(config.service()).isEqualTo(IamService.DSQL);
        assertThat(config.signedHost()).isEqualTo("your-cluster-id.dsql.us-east-1.on.aws");
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.admin()).isTrue();
    }

    @Test
    void guideShowsTheExamplesMavenPlugin() throws IOException {
        String pom = read(Path.of("..", "examples", "flyway-maven", "pom.xml"));
        String plugin = pom.substring(pom.indexOf("      <plugin>"), pom.indexOf("</plugin>") + "</plugin>".length());
        assertThat(guide()).contains(unindent(List.of(plugin.split("\n"))));
    }

    private static String guide() throws IOException {
        return read(GUIDE);
    }

    private static String read(Path path) throws IOException {
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** The lines between {@code // guide:NAME:start} and {@code // guide:NAME:end}, without their common indentation. */
    private static String region(Path source, String name) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        int start = indexOf(lines, "// guide:" + name + ":start");
        int end = indexOf(lines, "// guide:" + name + ":end");
        assertThat(start).as("region " + name + " in " + source).isNotNegative().isLessThan(end);
        return unindent(lines.subList(start + 1, end));
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(marker)) {
                return i;
            }
        }
        return -1;
    }

    private static String unindent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n")) + "\n";
    }
}
