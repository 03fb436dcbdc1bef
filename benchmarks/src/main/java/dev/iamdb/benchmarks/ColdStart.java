package dev.iamdb.benchmarks;

import dev.iamdb.testkit.Identity;
import dev.iamdb.testkit.LocalIamDatabase;
import dev.iamdb.testkit.Service;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cold start against the peers: JVM launch to the first authenticated {@code select 1}, each contender in a fresh JVM
 * with only its own jars, alternating in rounds against one local DSQL and one local RDS server (see
 * docs/performance.md).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.iamdb.benchmarks.ColdStart [--rounds N] [--appcds] [--classes] [--phases]
 *     [--only NAME,…] [--baseline IAMDB_CORE_JAR] [-- JVM_OPTION…]</pre>
 *
 * <p>Every contender connects to the endpoint name itself, {@code ….dsql.us-east-1.on.aws} or
 * {@code ….rds.amazonaws.com}, which the children resolve to 127.0.0.1 through a hosts file
 * ({@code -Djdk.net.hosts.file}); the servers listen on the port the names are signed with. So no contender needs a
 * host override, and each signs exactly what it would sign on AWS. TLS is verified against the testkit's CA
 * ({@code sslmode=verify-full&sslrootcert=}). Credentials come from {@code AWS_ACCESS_KEY_ID} and friends in the
 * child's environment (the testkit identity's fake keys), the region from {@code AWS_REGION}.
 *
 * <p>Two figures per run: {@code wall}, measured by this process from {@code ProcessBuilder.start()} to the child's
 * exit, and {@code connected}, from the same instant to the child's successful {@code select 1} (the child reads the
 * launch time from its environment; clocks are the same machine's). {@code --appcds} first runs each contender once
 * with {@code -XX:ArchiveClassesAtExit} and then measures with {@code -XX:SharedArchiveFile}; {@code --classes} runs
 * each contender once with {@code -Xlog:class+load} and prints how many classes it loaded, from where;
 * {@code --baseline} adds each iamdb contender once more with another build of iamdb-core (e.g. the commit before a
 * change), as {@code baseline-url} and {@code baseline-datasource}, so a change is measured against its predecessor in the same alternating rounds.
 */
public final class ColdStart {
    private static final Path LIB = Paths.get("benchmarks/target/coldstart-lib");
    /** The contenders' mains, as a jar: a CDS archive can't be made with a non-empty directory on the class path. */
    private static final Path TARGET = Paths.get("benchmarks/target");
    private static final Path WORK = Paths.get("benchmarks/target/coldstart");

    /** What every SDK-based token path needs: the SDK's core, signer, regions and credentials (without HTTP clients). */
    private static final List<String> SDK = List.of("annotations", "utils", "utils-lite", "sdk-core", "auth",
            "http-auth", "http-auth-spi", "http-auth-aws", "http-auth-aws-eventstream", "eventstream", "identity-spi",
            "regions", "profiles", "http-client-spi", "metrics-spi", "json-utils", "third-party-jackson-core",
            "endpoints-spi", "retries", "retries-spi", "checksums", "checksums-spi", "reactive-streams", "aws-core",
            "protocol-core", "slf4j-api");
    /** iamdb-core's runtime class path (scripts/footprint.sh), less the SDK base above. */
    private static final List<String> IAMDB = List.of("iamdb-core", "HikariCP", "sts", "sso", "ssooidc",
            "url-connection-client", "aws-json-protocol", "aws-query-protocol");

    private record Contender(String name, Service service, List<String> jars, String main, List<String> args,
                             Path core) {
        Contender(String name, Service service, List<String> jars, String main, List<String> args) {
            this(name, service, jars, main, args, null);
        }
    }

    private ColdStart() {
    }

    public static void main(String[] argv) throws Exception {
        int rounds = 10;
        boolean appCds = false;
        boolean classes = false;
        boolean phases = false;
        List<String> only = null;
        Path baseline = null;
        List<String> jvmOptions = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--rounds" -> rounds = Integer.parseInt(argv[++i]);
                case "--appcds" -> appCds = true;
                case "--classes" -> classes = true;
                case "--phases" -> phases = true;
                case "--only" -> only = Arrays.asList(argv[++i].split(","));
                case "--baseline" -> baseline = Paths.get(argv[++i]);
                case "--" -> {
                    jvmOptions.addAll(Arrays.asList(argv).subList(i + 1, argv.length));
                    i = argv.length;
                }
                default -> throw new IllegalArgumentException("unknown argument " + argv[i]
                        + "; accepted: --rounds N, --appcds, --classes, --phases, --only NAME,…, --baseline IAMDB_CORE_JAR, -- JVM_OPTION…");
            }
        }
        Files.createDirectories(WORK);
        Identity identity = Identity.generate();
        int dsqlPort = freePort();
        int rdsPort = freePort();
        try (LocalIamDatabase dsql = LocalIamDatabase.builder().service(Service.DSQL).identity(identity)
                .port(dsqlPort).start();
             LocalIamDatabase rds = LocalIamDatabase.builder().service(Service.RDS).identity(identity)
                     .port(rdsPort).endpointPort(rdsPort).start()) {
            Path hosts = WORK.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 localhost " + dsql.endpoint() + " " + rds.endpoint() + "\n");
            List<Contender> contenders = contenders(dsql, rds);
            if (baseline != null) {
                Path jar = baseline;
                for (Contender c : List.copyOf(contenders)) {
                    if (c.name().startsWith("iamdb-")) {
                        contenders.add(contenders.indexOf(c) + 1, new Contender(
                                "baseline-" + c.name().substring("iamdb-".length()), c.service(), c.jars(), c.main(),
                                c.args(), jar));
                    }
                }
            }
            if (only != null) {
                List<String> names = only;
                contenders = contenders.stream().filter(c -> names.contains(c.name() + "/" + c.service())
                        || names.contains(c.name())).toList();
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_ACCESS_KEY_ID", identity.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", identity.secretAccessKey());
            if (identity.sessionToken() != null) {
                env.put("AWS_SESSION_TOKEN", identity.sessionToken());
            }
            env.put("AWS_REGION", dsql.region());
            List<String> base = new ArrayList<>(List.of("-Djdk.net.hosts.file=" + hosts.toAbsolutePath()));
            base.addAll(jvmOptions);
            System.out.printf("java %s, %d cores, %d rounds%s%s%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), rounds, appCds ? ", AppCDS" : "",
                    jvmOptions.isEmpty() ? "" : ", " + String.join(" ", jvmOptions));
            if (classes) {
                for (Contender c : contenders) {
                    countClasses(c, base, env);
                }
            }
            if (phases) {
                phases(contenders, base, env, rounds);
                return;
            }
            if (appCds) {
                for (Contender c : contenders) {
                    Path archive = WORK.resolve(c.name() + "-" + c.service() + ".jsa");
                    Files.deleteIfExists(archive);
                    List<String> dump = new ArrayList<>(base);
                    dump.add("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath());
                    run(c, dump, env);
                }
            }
            Map<Contender, List<long[]>> results = new LinkedHashMap<>();
            contenders.forEach(c -> results.put(c, new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                // Rotate the order each round so that no contender always runs right after the same other one.
                for (int k = 0; k < contenders.size(); k++) {
                    Contender c = contenders.get((k + round) % contenders.size());
                    List<String> options = new ArrayList<>(base);
                    if (appCds) {
                        options.add("-XX:SharedArchiveFile=" + WORK.resolve(c.name() + "-" + c.service() + ".jsa")
                                .toAbsolutePath());
                    }
                    results.get(c).add(run(c, options, env));
                }
            }
            print(results);
        }
    }

    private static List<Contender> contenders(LocalIamDatabase dsql, LocalIamDatabase rds) {
        String tls = "?sslmode=verify-full&sslrootcert=" + dsql.caCertificate().toAbsolutePath();
        String rdsTls = "?sslmode=verify-full&sslrootcert=" + rds.caCertificate().toAbsolutePath();
        String dsqlAt = "//" + dsql.endpoint() + ":" + dsql.port() + "/postgres";
        String rdsAt = "//" + rds.endpoint() + ":" + rds.port() + "/postgres";
        String rdsUser = rds.masterUser();
        List<Contender> all = new ArrayList<>();
        for (Service s : List.of(Service.DSQL, Service.RDS)) {
            String at = s == Service.DSQL ? dsqlAt : rdsAt;
            String q = s == Service.DSQL ? tls : rdsTls;
            String user = s == Service.DSQL ? "admin" : rdsUser;
            LocalIamDatabase db = s == Service.DSQL ? dsql : rds;
            all.add(new Contender("iamdb-url", s, concat(IAMDB, SDK, List.of("postgresql")),
                    "IamdbDriverMain", List.of("jdbc:iamdb:postgresql:" + at + q, user)));
            all.add(new Contender("iamdb-datasource", s, concat(IAMDB, SDK, List.of("postgresql")),
                    "IamdbDataSourceMain", List.of("jdbc:postgresql:" + at + q, user)));
            if (s == Service.DSQL) {
                all.add(new Contender("dsql-connector", s, concat(List.of("aurora-dsql-jdbc-connector", "dsql",
                                "aws-json-protocol", "javax.annotation-api", "spotbugs-annotations", "jsr305"), SDK,
                        List.of("postgresql")), "DsqlConnectorMain", List.of("jdbc:aws-dsql:postgresql:" + at + q, user)));
            } else {
                all.add(new Contender("aws-wrapper", s, concat(List.of("aws-advanced-jdbc-wrapper", "rds",
                                "aws-query-protocol"), SDK, List.of("postgresql")), "AwsWrapperMain",
                        List.of("jdbc:aws-wrapper:postgresql:" + at + q, user)));
            }
            all.add(new Contender("sdk-utilities", s, concat(List.of(s == Service.DSQL ? "dsql" : "rds",
                            s == Service.DSQL ? "aws-json-protocol" : "aws-query-protocol"), SDK, List.of("postgresql")),
                    "SdkUtilitiesMain", List.of(s == Service.DSQL ? "dsql" : "rds", "jdbc:postgresql:" + at + q, user,
                            db.endpoint(), Integer.toString(db.endpointPort()))));
        }
        return all;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    /** The class path of exactly the named artifacts (any version), plus the benchmarks' own classes. */
    private static String classPath(Contender c) {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> own = Files.list(TARGET)) {
            entries.add(own.filter(p -> p.getFileName().toString().matches("iamdb-benchmarks-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no iamdb-benchmarks jar in " + TARGET
                            + "; run mvn -B package -DskipTests first")).toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> jars = Files.list(LIB)) {
            List<Path> all = jars.toList();
            for (String artifact : c.jars()) {
                if (artifact.equals("iamdb-core") && c.core() != null) {
                    entries.add(c.core().toAbsolutePath().toString());
                    continue;
                }
                Path jar = all.stream().filter(p -> p.getFileName().toString()
                                .matches(java.util.regex.Pattern.quote(artifact) + "-[0-9][^-]*(-SNAPSHOT)?\\.jar"))
                        .findFirst().orElseThrow(() -> new IllegalStateException("no jar of " + artifact + " in " + LIB
                                + "; run mvn -B package -DskipTests first"));
                entries.add(jar.toAbsolutePath().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Runs one contender once: {wall ms, connected ms}. Any failure ends the benchmark with the child's output. */
    private static long[] run(Contender c, List<String> options, Map<String, String> env) throws Exception {
        long start;
        String text;
        while (true) {
            start = System.nanoTime();
            try {
                text = output(c, options, env);
                break;
            } catch (IllegalStateException e) {
                // The SDK's RdsUtilities take the expiry and the signing time from two clock reads, so across a
                // second boundary they sign X-Amz-Expires=899, which the testkit's RDS gateway refuses (it wants
                // exactly 900). Such a run says nothing about speed: it is counted and run again.
                if (!e.getMessage().contains("X-Amz-Expires 899 not accepted")) {
                    throw e;
                }
                System.out.println("rerun " + c.name() + "/" + c.service() + ": it signed X-Amz-Expires=899");
            }
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        String line = text.lines().filter(l -> l.startsWith("connected ")).findFirst().orElseThrow();
        return new long[] {wallMs, Long.parseLong(line.substring("connected ".length()).trim())};
    }

    /** Runs one contender once and returns what it printed; a failure ends the benchmark with the child's output. */
    private static String output(Contender c, List<String> options, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(classPath(c));
        cmd.add("dev.iamdb.benchmarks.coldstart." + c.main());
        cmd.addAll(c.args());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(env);
        long launchedMs = System.currentTimeMillis();
        pb.environment().put("COLDSTART_LAUNCHED_MS", Long.toString(launchedMs));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        int exit = p.waitFor();
        String text = new String(out, StandardCharsets.UTF_8);
        // Kept for a look at what the child printed, e.g. with -- -verbose:class.
        Files.writeString(WORK.resolve("last-" + c.name() + "-" + c.service() + ".log"), text);
        if (exit != 0 || text.lines().noneMatch(l -> l.startsWith("connected "))) {
            throw new IllegalStateException(c.name() + "/" + c.service() + " failed (exit " + exit + "):\n" + text);
        }
        return text;
    }

    /** iamdb's cold start by phase ({@code IamdbPhasesMain}): the median of each phase's own duration over the rounds. */
    private static void phases(List<Contender> contenders, List<String> base, Map<String, String> env, int rounds)
            throws Exception {
        for (Contender c : contenders) {
            if (!c.name().equals("iamdb-datasource")) {
                continue;
            }
            Contender timed = new Contender("iamdb-phases", c.service(), c.jars(), "IamdbPhasesMain", c.args());
            Map<String, List<long[]>> durations = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                long previous = 0;
                for (String line : (Iterable<String>) output(timed, base, env).lines()::iterator) {
                    String[] f = line.split(" ");
                    if (f[0].equals("phase") || f[0].equals("connected")) {
                        String name = f[0].equals("phase") ? f[1] : "connection";
                        long at = Long.parseLong(f[f.length - 1]);
                        durations.computeIfAbsent(name, k -> new ArrayList<>()).add(new long[] {at - previous});
                        previous = at;
                    }
                }
            }
            System.out.printf("%n%s, iamdb by phase (median ms over %d runs):%n", c.service(), rounds);
            durations.forEach((name, v) -> System.out.printf("  %-12s %6.0f%n", name, median(v, 0)));
        }
    }

    private static void countClasses(Contender c, List<String> base, Map<String, String> env) throws Exception {
        Path log = WORK.resolve("classes-" + c.name() + "-" + c.service() + ".log");
        List<String> options = new ArrayList<>(base);
        options.add("-Xlog:class+load=info:file=" + log.toAbsolutePath());
        run(c, options, env);
        List<String> lines = Files.readAllLines(log);
        long shared = lines.stream().filter(l -> l.contains("shared objects file")).count();
        long jdk = lines.stream().filter(l -> l.contains("source: jrt:/")).count();
        long jars = lines.stream().filter(l -> l.contains("source: file:") || l.contains(".jar")).count();
        System.out.printf("classes %-18s %-4s %5d loaded: %5d from the JDK's CDS archive, %4d from the JDK image,"
                + " %4d from jars%n", c.name(), c.service(), lines.size(), shared, jdk, jars);
    }

    private static void print(Map<Contender, List<long[]>> results) {
        for (Service s : List.of(Service.DSQL, Service.RDS)) {
            List<Map.Entry<Contender, List<long[]>>> rows = results.entrySet().stream()
                    .filter(e -> e.getKey().service() == s).toList();
            if (rows.isEmpty()) {
                continue;
            }
            double fastestPeer = rows.stream().filter(e -> !e.getKey().name().startsWith("iamdb") && !e.getKey().name().startsWith("baseline"))
                    .mapToDouble(e -> median(e.getValue(), 1)).min().orElse(Double.NaN);
            double fastestPeerWall = rows.stream().filter(e -> !e.getKey().name().startsWith("iamdb") && !e.getKey().name().startsWith("baseline"))
                    .mapToDouble(e -> median(e.getValue(), 0)).min().orElse(Double.NaN);
            System.out.printf("%n%s: launch → select 1 (connected) and launch → exit (wall), medians in ms%n", s);
            System.out.printf("%-18s %10s %8s %12s %8s %s%n", "contender", "connected", "ratio", "wall", "ratio",
                    "connected, all runs");
            for (Map.Entry<Contender, List<long[]>> e : rows) {
                double connected = median(e.getValue(), 1);
                double wall = median(e.getValue(), 0);
                System.out.printf("%-18s %10.0f %8.2f %12.0f %8.2f %s%n", e.getKey().name(), connected,
                        connected / fastestPeer, wall, wall / fastestPeerWall,
                        e.getValue().stream().map(r -> Long.toString(r[1])).collect(Collectors.joining(" ")));
            }
        }
        System.out.println("\nratio: to the fastest peer (not iamdb) on the same service in this run");
    }

    private static double median(List<long[]> runs, int index) {
        long[] v = runs.stream().mapToLong(r -> r[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
