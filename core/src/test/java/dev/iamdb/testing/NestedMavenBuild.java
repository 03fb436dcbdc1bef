package dev.iamdb.testing;

import dev.iamdb.testkit.Identity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Runs an example project under {@code examples/} with the {@code mvn} on the PATH, as a user would run it, against
 * the iamdb of <em>this</em> build.
 *
 * <p>A plain {@code mvn verify} never installs iamdb's artifacts, and the example must not see stale snapshots in
 * {@code ~/.m2}. So the nested build gets a local repository of its own: every group of this build's local
 * repository is linked in (the plugin, the drivers, the AWS SDK, all resolved by the calling module's own
 * dependencies), except {@code dev/iamdb}, which holds only the jars on the calling test's class path and the poms
 * beside them. The nested build runs offline; nothing is installed anywhere.
 *
 * <p>The calling module's surefire configuration sets the system properties {@code iamdb.version} (its
 * {@code project.version}) and {@code iamdb.localRepository} ({@code settings.localRepository}).
 */
public final class NestedMavenBuild {
    private static final long TIMEOUT_MINUTES = 5;

    private final Path work;
    private final Path repository;
    private final String version = System.getProperty("iamdb.version");

    private NestedMavenBuild(Path work) {
        this.work = work.toAbsolutePath();
        this.repository = this.work.resolve("repository");
    }

    /**
     * A fresh {@code work} folder (whatever it held is deleted) with a local repository linking this build's; add
     * iamdb's artifacts with {@link #artifact}.
     */
    public static NestedMavenBuild in(Path work) throws IOException {
        NestedMavenBuild build = new NestedMavenBuild(work);
        deleteTree(build.work);
        Files.createDirectories(build.repository);
        Path outer = Path.of(System.getProperty("iamdb.localRepository"));
        linkGroupsExcept(outer, build.repository, "dev");
        Path dev = outer.resolve("dev");
        if (Files.isDirectory(dev)) {
            linkGroupsExcept(dev, Files.createDirectories(build.repository.resolve("dev")), "iamdb");
        }
        return build;
    }

    /**
     * Places iamdb artifact {@code artifactId} of this build's version: its {@code pom}, and the jar (or the
     * classes folder of a module of the same reactor, jarred up) that {@code loadedFrom} came from, or no jar for
     * a {@code null} class (a parent pom).
     */
    public NestedMavenBuild artifact(String artifactId, Path pom, Class<?> loadedFrom) throws IOException {
        Path dir = Files.createDirectories(repository.resolve(Path.of("dev", "iamdb", artifactId, version)));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (loadedFrom != null) {
            Path entry = classPathEntry(loadedFrom);
            Path jar = dir.resolve(artifactId + "-" + version + ".jar");
            if (Files.isDirectory(entry)) {
                jarUp(entry, jar);
            } else {
                Files.copy(entry, jar, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return this;
    }

    /**
     * Copies the example project in {@code source} into the work folder, so that what its build writes (generated
     * sources, {@code target/}) stays out of the source tree; returns the copy.
     */
    public Path copyProject(Path source) throws IOException {
        Path copy = work.resolve("project");
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths.filter(p -> !source.relativize(p).startsWith("target"))::iterator) {
                Path to = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return copy;
    }

    /**
     * Replaces {@code text} in a copied project's {@code file} (a test points the example's URL at the local
     * database); fails when the example no longer contains it, so a test cannot silently run something else.
     */
    public static void replace(Path file, String text, String replacement) throws IOException {
        String content = Files.readString(file);
        if (!content.contains(text)) {
            throw new IllegalStateException(file + " does not contain " + text);
        }
        Files.writeString(file, content.replace(text, replacement));
    }

    /**
     * Runs {@code mvn -B -o -f pom} with {@code arguments} (goals, {@code -D} settings), this build's iamdb version
     * and local repository, and, as the only AWS settings of its environment, the access key of {@code identity}
     * (the default chain's first source). Waits at most five minutes.
     */
    public Result run(Path pom, Identity identity, String... arguments) throws IOException, InterruptedException {
        Path log = work.resolve("build.log");
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-o", "-f", pom.toString(),
                "-Dmaven.repo.local=" + repository, "-Diamdb.version=" + version));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", identity.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", identity.secretAccessKey());
        Process process = builder.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        return new Result(finished, finished ? process.exitValue() : -1, Files.readString(log));
    }

    /** How a nested build ended: whether within the time allowed, its exit value, and its output. */
    public record Result(boolean finished, int exitValue, String output) {
        /** True when the build finished in time and succeeded. */
        public boolean succeeded() {
            return finished && exitValue == 0;
        }
    }

    private static void linkGroupsExcept(Path from, Path to, String except) throws IOException {
        try (Stream<Path> groups = Files.list(from)) {
            for (Path group : (Iterable<Path>) groups::iterator) {
                String name = group.getFileName().toString();
                if (!name.equals(except)) {
                    Files.createSymbolicLink(to.resolve(name), group);
                }
            }
        }
    }

    /** The jar, or the classes folder of a module built in the same reactor, that {@code type} was loaded from. */
    private static Path classPathEntry(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Class path entry of " + type.getName() + " is not a path", e);
        }
    }

    private static void jarUp(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
    }

    /** Deletes links, not what they point to: {@link Files#walk} does not follow them. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
