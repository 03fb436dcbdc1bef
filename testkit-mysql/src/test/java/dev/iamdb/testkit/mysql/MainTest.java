package dev.iamdb.testkit.mysql;

import dev.iamdb.testkit.InstanceDirectory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iamdb.testkit.Identity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** The runnable server in a child JVM: --engine routing, the JSON first line, decisions, exit on EOF, reaping. */
class MainTest {

    @Test
    void printsConnectionDetailsAndServesUntilStdinCloses() throws Exception {
        Process p = start("--engine", "mysql", "--endpoint", "db1.abc.eu-central-1.rds.amazonaws.com", "--user", "app");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String json = out.readLine();
            assertThat(field(json, "engine")).isEqualTo("mysql");
            assertThat(field(json, "region")).isEqualTo("eu-central-1");
            assertThat(json).contains("\"endpointPort\":3306").contains("\"users\":[\"iamdb\",\"app\"]");
            Path ca = Path.of(field(json, "sslRootCert"));
            assertThat(ca).exists();
            assertThat(Path.of(field(json, "trustStore"))).exists();

            Identity id = Identity.of(field(json, "accessKeyId"), field(json, "secretAccessKey"), field(json, "principalArn"));
            String token = RdsUtilities.builder().region(Region.EU_CENTRAL_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(id.accessKeyId(), id.secretAccessKey())))
                    .build().generateAuthenticationToken(b -> b.hostname("db1.abc.eu-central-1.rds.amazonaws.com")
                            .port(3306).username("app"));
            try (Connection c = DriverManager.getConnection(field(json, "jdbcUrl"), "app", token)) {
                assertThat(MysqlConnectorJTest.query(c, "select current_user()")).isEqualTo("app@%");
            }
            assertThat(out.readLine()).contains("login accepted user=app").contains(id.accessKeyId())
                    .doesNotContain(id.secretAccessKey()).doesNotContain(token);

            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.exists(ca)).as("instance files deleted on shutdown").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    /** SIGKILL gives the JVM no chance to stop MariaDB, a process of its own; the next start stops it. */
    @Test
    void theNextStartReapsTheMariadbOfAKilledServer() throws Exception {
        Process killed = start("--engine", "mysql");
        try {
            String json = new BufferedReader(new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Path instance = Path.of(field(json, "sslRootCert")).getParent();
            ProcessHandle mariadbd = MysqlBackend.mariadbdIn(instance).orElseThrow();

            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(mariadbd.isAlive()).as("orphaned by the killed JVM").isTrue();

            InstanceDirectory.create(MysqlBackend.INSTANCE_ROOT, MysqlBackend::mariadbdIn).close();
            assertThat(mariadbd.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(instance).doesNotExist();
        } finally {
            killed.destroyForcibly();
        }
    }

    @Test
    void routesEnginesAndRejectsBadArguments() throws Exception {
        assertThat(run("--engine", "mysql", "--help")).startsWith("0 usage: java -jar iamdb-local.jar --engine mysql");
        assertThat(run("--engine", "postgresql", "--help")).as("iamdb-testkit's own server")
                .startsWith("0 usage: ").contains("--service dsql|rds");
        assertThat(run("--engine", "oracle")).isEqualTo("2 iamdb-local: --engine: 'oracle' is not supported;"
                + " use postgresql or mysql\n");
        assertThat(run("--engine", "mysql", "--port", "70000")).startsWith("2 iamdb-local: --port: '70000' is not"
                + " accepted; expected a whole number from 0 to 65535");
    }

    /** Exit code, a space, then stdout and stderr. */
    private static String run(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out + err;
    }

    private static Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        assertThat(m.find()).as("field %s in %s", name, json).isTrue();
        return m.group(1).replace("\\\\", "\\");
    }
}
