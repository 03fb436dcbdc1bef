package dev.iamdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of {@code iamdb doctor}, in-process or as a child JVM, with its output read back as steps. */
record DoctorRun(int status, String out, String err, Map<String, Step> steps) {
    private static final Pattern STEP = Pattern.compile("([✔✘–○]) (\\w+)\\s+(.*)");
    private static final Pattern FIX = Pattern.compile("\\s+fix: (.*)");
    static final List<String> ALL_STEPS = List.of("configuration", "credentials", "token", "clock", "tcp", "tls", "login", "query");

    /** One printed step: its symbol, its text and the fix printed under it, if any. */
    record Step(String symbol, String detail, String fix) {
        boolean passed() {
            return symbol.equals("✔");
        }

        boolean failed() {
            return symbol.equals("✘");
        }

        boolean skipped() {
            return symbol.equals("–");
        }
    }

    static DoctorRun inProcess(String... args) {
        return inProcess(Clock.systemUTC(), args);
    }

    static DoctorRun inProcess(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = new Cli(clock).run(all, InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return parse(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * As a child JVM with exactly {@code variables} as its AWS environment (and HOME, which the SDK reads for the SSO
     * cache), for the routes the SDK reads only from environment variables.
     */
    static DoctorRun childProcess(Map<String, String> variables, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "doctor"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(variables);
        try {
            Process p = builder.start();
            try {
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                return parse(p.exitValue(), out, err);
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static DoctorRun parse(int status, String out, String err) {
        Map<String, Step> steps = new LinkedHashMap<>();
        String last = null;
        for (String line : out.lines().toList()) {
            Matcher step = STEP.matcher(line);
            Matcher fix = FIX.matcher(line);
            if (step.matches()) {
                last = step.group(2);
                steps.put(last, new Step(step.group(1), step.group(3), null));
            } else if (fix.matches() && last != null) {
                Step s = steps.get(last);
                steps.put(last, new Step(s.symbol(), s.detail(), fix.group(1)));
            }
        }
        return new DoctorRun(status, out, err, steps);
    }

    Step step(String name) {
        assertThat(steps).as("steps printed:%n%s%s", out, err).containsKey(name);
        return steps.get(name);
    }

    /** Asserts that {@code name} is the one failed step, every step before it passed or had nothing to check, and the listed ones after it were skipped. */
    Step failedAt(String name, String... skipped) {
        assertThat(status).as("exit status; output:%n%s%s", out, err).isEqualTo(Cli.FAILED);
        assertThat(steps.keySet()).as(out).containsExactlyElementsOf(ALL_STEPS);
        assertThat(steps.entrySet().stream().filter(e -> e.getValue().failed()).map(Map.Entry::getKey)).as(out)
                .containsExactly(name);
        for (String s : skipped) {
            assertThat(step(s).skipped()).as("%s skipped in%n%s", s, out).isTrue();
            assertThat(step(s).detail()).contains("the " + name + " step failed");
        }
        Step failed = step(name);
        assertThat(failed.fix()).as("fix of %s in%n%s", name, out).isNotBlank();
        assertThat(out).endsWith("fix the first ✘ and run doctor again." + System.lineSeparator());
        return failed;
    }

    /** A loopback port nothing listens on, for a wrong port and for an STS that cannot be reached. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
