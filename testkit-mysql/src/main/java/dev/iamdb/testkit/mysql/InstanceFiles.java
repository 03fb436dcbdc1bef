package dev.iamdb.testkit.mysql;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's working files (MariaDB's data, socket and pid file, the throw-away CA) in a directory under a
 * per-user root in {@code java.io.tmpdir}, next to an owner file naming the JVM that uses it; the root also holds the
 * extracted MariaDB binaries.
 *
 * <p>MariaDB outlives a JVM killed with SIGKILL. Each start therefore reaps what dead JVMs left behind: for every
 * owner file whose process is gone it stops the {@code mariadbd} recorded in that directory's pid file and deletes
 * the directory, as {@code iamdb-testkit} does for PostgreSQL.
 */
final class InstanceFiles implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceFiles.class);
    static final String OWNER_SUFFIX = ".owner";
    static final String PID_FILE = "mariadbd.pid";
    private static final long STOP_SECONDS = 15;

    private final Path directory;
    private final Path owner;

    private InstanceFiles(Path directory, Path owner) {
        this.directory = directory;
        this.owner = owner;
    }

    /** The root all instances of this user share. */
    static Path root() throws IOException {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "iamdb-testkit-mysql-" + user);
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(root);
        }
        return root;
    }

    /** Reaps the leftovers of dead JVMs, then creates a new instance directory owned by this JVM. */
    static InstanceFiles create() throws IOException {
        Path root = root();
        reapOrphans(root);
        String id = UUID.randomUUID().toString();
        Path owner = root.resolve(id + OWNER_SUFFIX);
        // The owner file comes first and complete (renamed into place), so a reaper never finds a directory
        // without its owner, nor an owner file it cannot read.
        Path temp = Files.createTempFile(root, id, ".tmp");
        Files.writeString(temp, ProcessHandle.current().pid() + " " + startMillis(ProcessHandle.current()) + "\n",
                StandardCharsets.US_ASCII);
        try {
            Files.move(temp, owner, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, owner);
        }
        return new InstanceFiles(Files.createDirectory(root.resolve(id)), owner);
    }

    Path path() {
        return directory;
    }

    static void reapOrphans(Path root) throws IOException {
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(root, "*" + OWNER_SUFFIX)) {
            for (Path owner : owners) {
                try {
                    List<String> fields = List.of(Files.readString(owner, StandardCharsets.US_ASCII).trim().split(" "));
                    if (fields.size() != 2 || ownerAlive(Long.parseLong(fields.get(0)), Long.parseLong(fields.get(1)))) {
                        continue;
                    }
                    String name = owner.getFileName().toString();
                    Path dir = root.resolve(name.substring(0, name.length() - OWNER_SUFFIX.length()));
                    mariadbd(dir).ifPresent(InstanceFiles::stop);
                    deleteRecursively(dir);
                    Files.deleteIfExists(owner);
                    LOG.info("removed {}, left behind by a process that no longer runs", dir);
                } catch (NoSuchFileException e) {
                    // Another start reaped it first.
                } catch (IOException | RuntimeException e) {
                    LOG.warn("could not clean up after {}: {}", owner, e.toString());
                }
            }
        }
    }

    /** A process id can be reused; the start time tells the recorded JVM from a newer process with its id. */
    private static boolean ownerAlive(long pid, long startMillis) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> startMillis < 0 || startMillis(p) < 0 || startMillis(p) == startMillis).isPresent();
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    /** The running server of instance directory {@code dir}; the command name guards against a reused process id. */
    static Optional<ProcessHandle> mariadbd(Path dir) throws IOException {
        String pid;
        try {
            pid = Files.readString(dir.resolve(PID_FILE), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty(); // Not started, or stopped cleanly.
        }
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(pid))
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd")).orElse(false));
    }

    /** SIGTERM, a clean shutdown; SIGKILL if that takes too long. Returns whether the process is gone. */
    static boolean stop(ProcessHandle p) {
        p.destroy();
        if (exited(p)) {
            return true;
        }
        p.destroyForcibly();
        return exited(p);
    }

    private static boolean exited(ProcessHandle p) {
        try {
            p.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Deletes the directory, then its owner file. Should the server still run (it would not stop), both stay, so that
     * the next start finishes the job.
     */
    @Override
    public void close() throws IOException {
        if (mariadbd(directory).isPresent()) {
            return;
        }
        deleteRecursively(directory);
        Files.deleteIfExists(owner);
    }
}
