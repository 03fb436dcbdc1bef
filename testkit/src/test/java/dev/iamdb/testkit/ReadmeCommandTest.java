package dev.iamdb.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's {@code java -jar testkit/target/iamdb-local.jar …} command (src/test/resources/docs/local-server.sh),
 * run with its arguments. The shaded jar is only built after the tests, so this runs the jar's main class, as the
 * pom names it, in a child JVM on the test class path.
 */
class ReadmeCommandTest {
    private static final String JAR = "testkit/target/iamdb-local.jar";

    @Test
    void documentedCommandStartsTheServerAndPrintsItsJsonLine() throws Exception {
        List<String> words = List.of(Files.readString(Path.of("src/test/resources/docs/local-server.sh")).strip().split("\\s+"));
        assertThat(words.subList(0, 3)).containsExactly("java", "-jar", JAR);
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<outputFile>${project.build.directory}/iamdb-local.jar</outputFile>")
                .contains("<mainClass>" + Main.class.getName() + "</mainClass>");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(words.subList(3, words.size()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String json = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();

            // The fields docs/testing.md lists, in that order.
            Matcher names = Pattern.compile("\"([a-zA-Z]+)\":").matcher(json);
            List<String> fields = new ArrayList<>();
            while (names.find()) {
                fields.add(names.group(1));
            }
            assertThat(fields).containsExactly("host", "port", "service", "endpoint", "endpointPort", "region", "database",
                    "accessKeyId", "secretAccessKey", "principalArn", "roles", "sslRootCert", "jdbcUrl", "iamdbJdbcUrl");
            assertThat(json).contains("\"service\":\"dsql\"", "\"roles\":[\"admin\",\"app\"]");

            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
