package dev.iamdb.testkit;

import static dev.iamdb.testkit.DsqlGatewayTest.props;
import static dev.iamdb.testkit.DsqlGatewayTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server in a child JVM: its JSON first line, decision log, clean exit on EOF, usage errors. */
class MainTest {

    @Test
    void printsConnectionDetailsAndServesUntilStdinCloses() throws Exception {
        Process p = start("--service", "rds", "--endpoint", "db1.abc.eu-central-1.rds.amazonaws.com", "--region",
                "eu-central-1", "--role", "app", "--max-connection-seconds", "600");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String json = out.readLine();
            assertThat(json).startsWith("{").endsWith("}");
            assertThat(field(json, "service")).isEqualTo("rds");
            assertThat(field(json, "host")).isEqualTo("127.0.0.1");
            assertThat(field(json, "endpoint")).isEqualTo("db1.abc.eu-central-1.rds.amazonaws.com");
            assertThat(field(json, "region")).isEqualTo("eu-central-1");
            assertThat(field(json, "database")).isEqualTo("postgres");
            assertThat(json).contains("\"endpointPort\":5432").contains("\"roles\":[\"iamdb\",\"app\"]");
            Path ca = Path.of(field(json, "sslRootCert"));
            assertThat(ca).exists();

            Identity id = Identity.of(field(json, "accessKeyId"), field(json, "secretAccessKey"), field(json, "principalArn"));
            String token = Tokens.presign(id).service("rds-db").region("eu-central-1")
                    .host("db1.abc.eu-central-1.rds.amazonaws.com").port(5432).action("connect").dbUser("app").sign();
            try (Connection c = DriverManager.getConnection(field(json, "jdbcUrl").replace("\\/", "/"), props("app", token))) {
                assertThat(query(c, "select current_user")).isEqualTo("app");
            }
            assertThat(out.readLine()).contains("login accepted user=app").contains(id.accessKeyId())
                    .doesNotContain(id.secretAccessKey());

            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(Files.exists(ca)).as("CA file deleted on shutdown").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void rejectsBadArgumentsWithExitCode2() throws Exception {
        Process p = start("--service", "mysql");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err).contains("service").contains("'mysql'").contains("dsql or rds");

        Process q = start("--port", "70000");
        String err2 = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(2);
        assertThat(err2).contains("--port").contains("'70000'").contains("0 to 65535");

        Process r = start("--service", "rds", "--reject-unsupported-sql");
        String err3 = new String(r.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(r.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(r.exitValue()).isEqualTo(2);
        assertThat(err3).contains("rejectUnsupportedSql").contains("only with Service.DSQL");
    }

    @Test
    void rejectsAnEndpointInAnotherRegion() throws Exception {
        Process p = start("--service", "rds", "--endpoint", "db1.abc.eu-central-1.rds.amazonaws.com", "--region", "us-east-1");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err).contains("db1.abc.eu-central-1.rds.amazonaws.com").contains("eu-central-1").contains("us-east-1");
    }

    @Test
    void helpPrintsUsageToStdoutAndExitsZero() throws Exception {
        for (String option : new String[] {"--help", "-h"}) {
            Process p = start(option);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(option).isZero();
            assertThat(out).startsWith("usage: ").contains("--ca-dir DIR").contains("--max-connection-seconds N");
            assertThat(err).isEmpty();
        }
    }

    @Test
    void aPortInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Process p = start("--port", Integer.toString(port));
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(err.lines()).containsExactly("iamdb-local: port " + port
                    + " is in use; choose another with --port or 0 for any free port");
        }
    }

    /**
     * SIGKILL gives the JVM no chance to stop its PostgreSQL, which runs as a daemon; the next start stops it.
     * Both servers keep their CA in one directory, so the second presents a certificate the first's clients trust.
     */
    @Test
    void theNextStartReapsThePostgresOfAKilledServer(@TempDir Path temp) throws Exception {
        Path caDir = temp.resolve("ca");
        Process killed = start(temp, "--ca-dir", caDir.toString());
        ProcessHandle postmaster = null;
        Process next = null;
        try {
            String json = new BufferedReader(new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(Path.of(field(json, "sslRootCert"))).isEqualTo(caDir.resolve("ca.pem"));
            String ca = Files.readString(caDir.resolve("ca.pem"));
            Path pidFile;
            try (Stream<Path> files = Files.walk(temp, 4)) {
                pidFile = files.filter(f -> f.getFileName().toString().equals("postmaster.pid")).findFirst().orElseThrow();
            }
            postmaster = ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim())).orElseThrow();

            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(postmaster.isAlive()).as("PostgreSQL outlives the killed JVM").isTrue();

            next = start(temp, "--ca-dir", caDir.toString());
            String nextJson = new BufferedReader(new InputStreamReader(next.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Process failed = next;
            assertThat(nextJson).as(() -> "second server's first line; its stderr: " + stderrOf(failed)).startsWith("{");
            assertThat(postmaster.isAlive()).as("the killed server's PostgreSQL, stopped by the next start").isFalse();
            assertThat(pidFile.getParent().getParent()).doesNotExist();
            assertThat(caDir.resolve("ca.pem")).hasContent(ca);

            next.getOutputStream().close();
            assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(next.exitValue()).isZero();
        } finally {
            killed.destroyForcibly();
            if (next != null) {
                next.destroyForcibly();
            }
            if (postmaster != null) {
                postmaster.destroyForcibly();
            }
        }
    }

    @Test
    void jsonEscapesSpecialCharacters() {
        assertThat(Main.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    /** Main in a child JVM on the test class path (the shaded jar is only built after the tests). */
    private static Process start(String... args) throws Exception {
        return start(null, args);
    }

    /**
     * With {@code tmpdir}, the child keeps its files there, out of reach of other test runs, but takes PostgreSQL's
     * binaries from where this JVM's runs have unpacked them already.
     */
    private static Process start(Path tmpdir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (tmpdir != null) {
            command.add("-Djava.io.tmpdir=" + tmpdir);
            command.add("-Dot.epg.working-dir=" + Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    /** What a child that ended its stdout wrote to stderr, once it has exited. */
    private static String stderrOf(Process p) {
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                return "(still running)";
            }
            return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        assertThat(m.find()).as("field %s in %s", name, json).isTrue();
        return m.group(1);
    }
}
