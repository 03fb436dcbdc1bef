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
 * One instance's working files (a database server's data, a throw-away CA file) in a directory under a per-user
 * root in {@code java.io.tmpdir}, next to an owner file naming the JVM that uses it. The PostgreSQL and the MySQL
 * testkits both keep their instances this way.
 *
 * <p>An embedded database server runs as a daemon that outlives a JVM killed with SIGKILL, which gets no chance to
 * stop it. Each start therefore reaps what dead JVMs left behind: for every owner file whose process is gone it
 * stops the server still running in that directory and deletes the directory.
 */
public final class InstanceDirectory implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceDirectory.class);
    static final String OWNER_SUFFIX = ".owner";
    private static final long STOP_SECONDS = 15;

    private final Path directory;
    private final Path owner;
    private final Server server;

    /** Finds the server still running with its files in an instance directory, if any. */
    @FunctionalInterface
    public interface Server {
        Optional<ProcessHandle> in(Path instanceDirectory) throws IOException;
    }

    private InstanceDirectory(Path directory, Path owner, Server server) {
        this.directory = directory;
        this.owner = owner;
        this.server = server;
    }

    /** The root that all instances of this user with this {@code name} share, created owner-only if missing. */
    public static Path root(String name) throws IOException {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Path root = Path.of(System.getProperty("java.io.tmpdir"), name + "-" + user);
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(root);
        }
        return root;
    }

    /** Reaps the leftovers of dead JVMs under the root {@code name}, then creates a directory owned by this JVM. */
    public static InstanceDirectory create(String name, Server server) throws IOException {
        Path root = root(name);
        reapOrphans(root, server);
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
        return new InstanceDirectory(Files.createDirectory(root.resolve(id)), owner, server);
    }

    public Path path() {
        return directory;
    }

    static void reapOrphans(Path root, Server server) throws IOException {
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(root, "*" + OWNER_SUFFIX)) {
            for (Path owner : owners) {
                try {
                    List<String> fields = List.of(Files.readString(owner, StandardCharsets.US_ASCII).trim().split(" "));
                    if (fields.size() != 2 || ownerAlive(Long.parseLong(fields.get(0)), Long.parseLong(fields.get(1)))) {
                        continue;
                    }
                    String name = owner.getFileName().toString();
                    Path dir = root.resolve(name.substring(0, name.length() - OWNER_SUFFIX.length()));
                    server.in(dir).ifPresent(InstanceDirectory::stop);
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
     * Stops a server: SIGTERM (a clean shutdown, which finds no sessions left since their client died), SIGKILL if
     * that takes too long. Returns whether the process is gone.
     */
    public static boolean stop(ProcessHandle p) {
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

    /** Tolerates files that vanish meanwhile: an embedded server's own shutdown hook may be deleting its data too. */
    public static void deleteRecursively(Path dir) throws IOException {
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
     * Deletes the directory, then its owner file. Should the server still run (it would not stop), both stay, so
     * that the next start finishes the job.
     */
    @Override
    public void close() throws IOException {
        if (server.in(directory).isPresent()) {
            return;
        }
        deleteRecursively(directory);
        Files.deleteIfExists(owner);
    }
}
