package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README.md's token | inspect pipe (src/test/resources/docs/token-inspect.sh), run as written: its variables as
 * the environment, each side in a child JVM, the first one's output as the second one's input. The shaded jar is
 * only built after the tests, so each side runs the jar's main class, as the pom names it, on the test class path.
 */
class ReadmeCommandTest {
    private static final String JAR = "cli/target/iamdb-cli.jar";

    @Test
    void tokenPipedIntoInspectShowsTheTokensFieldsAndNoSecret() throws Exception {
        String line = Files.readString(Path.of("src/test/resources/docs/token-inspect.sh")).strip();
        List<String> words = new ArrayList<>(Arrays.asList(line.split("\\s+")));
        Map<String, String> env = new HashMap<>();
        while (words.get(0).contains("=")) {
            String assignment = words.remove(0);
            env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
        int pipe = words.indexOf("|");
        List<String> token = words.subList(0, pipe);
        List<String> inspect = words.subList(pipe + 1, words.size());
        assertThat(token.subList(0, 3)).containsExactly("java", "-jar", JAR);
        assertThat(inspect.subList(0, 3)).containsExactly("java", "-jar", JAR);
        assertThat(Files.readString(Path.of("pom.xml")))
                .contains("<outputFile>${project.build.directory}/iamdb-cli.jar</outputFile>")
                .contains("<mainClass>" + Main.class.getName() + "</mainClass>");

        String printed = run(token.subList(3, token.size()), env, "");
        String inspected = run(inspect.subList(3, inspect.size()), env, printed);

        assertThat(inspected.lines()).contains("signed host: abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws",
                "service: dsql", "region: us-east-1", "action: DbConnectAdmin",
                "access key id: " + env.get("AWS_ACCESS_KEY_ID"), "expired: no");
        assertThat(inspected)
                .doesNotContain(env.get("AWS_SECRET_ACCESS_KEY"), "X-Amz-Signature=");
    }

    /** One side of the pipe: the AWS variables are exactly the command's, the rest of the environment is kept. */
    private static String run(List<String> args, Map<String, String> variables, String input)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(variables);
        Process p = builder.start();
        try {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("exit status of %s; stderr: %s", args, err).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
