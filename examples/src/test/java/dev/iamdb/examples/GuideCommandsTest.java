package dev.iamdb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AWS commands docs/examples.md shows (src/test/resources/docs/*.sh): they name the jar this module builds and
 * a class with a main, and their variables make the examples target that endpoint as that user. Running them
 * needs an AWS account; AwsDemoTest does that when IAMDB_ENDPOINT and IAMDB_USER are set.
 */
class GuideCommandsTest {
    private static final String JAR = "examples/target/iamdb-demo.jar";

    @ParameterizedTest
    @ValueSource(strings = {"aws-demo.sh", "aws-example.sh"})
    void commandRunsAnExampleOfTheDemoJarAgainstTheEndpoint(String script) throws Exception {
        Map<String, String> env = new HashMap<>();
        List<String> command = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/docs", script))) {
            List<String> words = new ArrayList<>(Arrays.asList(line.strip().split("\\s+")));
            if (words.get(0).equals("export")) {
                words.remove(0);
            }
            while (!words.isEmpty() && words.get(0).contains("=")) {
                String assignment = words.remove(0);
                env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
            }
            command.addAll(words);
        }
        assertThat(String.join(" ", command.subList(0, 3))).as(script)
                .isIn("java -jar " + JAR, "java -cp " + JAR);
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<outputFile>${project.build.directory}/iamdb-demo.jar</outputFile>");
        String mainClass = command.get(1).equals("-jar") ? mainClassOfTheJar() : command.get(3);
        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).isTrue();

        String[] args = command.subList(command.get(1).equals("-jar") ? 3 : 4, command.size()).toArray(String[]::new);
        assertThat(Target.fromCommandLine(args, env))
                .isEqualTo(new Target("jdbc:postgresql://<cluster-id>.dsql.us-east-1.on.aws:5432/postgres", "app"));
    }

    private static String mainClassOfTheJar() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        int start = pom.indexOf("<mainClass>") + "<mainClass>".length();
        return pom.substring(start, pom.indexOf("</mainClass>", start));
    }
}
