package dev.iamdb.testkit;

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
 * One instance's working files (the embedded PostgreSQL's data, a throw-away CA file) in a directory under a
 * per-user root in {@code java.io.tmpdir}, next to an owner file naming the JVM that uses it.
 *
 * <p>The embedded PostgreSQL runs as a daemon that outlives a JVM killed with SIGKILL, which gets no chance to
 * stop it. Each start therefore reaps what dead JVMs left behind: for every owner file whose process is gone
 * it stops the postmaster recorded in that directory's {@code postmaster.pid} and deletes the directory.
 */
final class InstanceDirectory implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceDirectory.class);
    static final String OWNER_SUFFIX = ".owner";
    static final String POSTGRES_DATA = "pgdata";
    private static final long POSTMASTER_STOP_SECONDS = 10;

    private final Path directory;
    private final Path owner;

    private InstanceDirectory(Path directory, Path owner) {
        this.directory = directory;
        this.owner = owner;
    }

    /** The root all instances of this user share. */
    static Path root() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "iamdb-testkit-" + user);
    }

    /** Reaps the leftovers of dead JVMs, then creates a new instance directory owned by this JVM. */
    static InstanceDirectory create() throws IOException {
        Path root = root();
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(root);
        }
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
        return new InstanceDirectory(Files.createDirectory(root.resolve(id)), owner);
    }

    Path path() {
        return directory;
    }

    /** Where the embedded PostgreSQL keeps its data; created by PostgreSQL's initdb. */
    Path postgresData() {
        return directory.resolve(POSTGRES_DATA);
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
                    stopPostmaster(dir.resolve(POSTGRES_DATA));
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

    /**
     * Stops the postmaster still running on {@code data}: SIGTERM (a smart shutdown, which finds no sessions left
     * since their client died), SIGKILL if that takes too long.
     */
    private static void stopPostmaster(Path data) throws IOException {
        Optional<ProcessHandle> postmaster = Backend.postmaster(data);
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle p = postmaster.get();
        p.destroy();
        if (!exited(p)) {
            p.destroyForcibly();
            exited(p);
        }
    }

    private static boolean exited(ProcessHandle p) {
        try {
            p.onExit().get(POSTMASTER_STOP_SECONDS, TimeUnit.SECONDS);
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

    /** Tolerates files that vanish meanwhile: the embedded server's own shutdown hook may be deleting its data too. */
    private static void deleteRecursively(Path dir) throws IOException {
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
     * Deletes the directory, then its owner file. Should the directory survive (a server that would not stop), the
     * owner file stays too, so that the next start finishes the job.
     */
    @Override
    public void close() throws IOException {
        deleteRecursively(directory);
        Files.deleteIfExists(owner);
    }
}
