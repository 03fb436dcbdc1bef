package dev.iamdb.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The certificate authorities iamdb trusts for RDS (the JDK's and Amazon RDS's, as {@link AwsTrustSocketFactory}
 * trusts them) as a PKCS12 file: MySQL and MariaDB Connector/J read their trust from a file, not from a socket
 * factory iamdb could hand them. Written once per JVM to a temporary file only its owner can read, deleted on exit.
 */
public final class AwsTrustStore {
    /**
     * The store's password. Not a secret: the file holds public certificates only, and PKCS12 readers want a
     * password to check its integrity with.
     */
    public static final String PASSWORD = "iamdb-public-ca-certificates";

    private AwsTrustStore() {
    }

    /** The file, written on first use. */
    public static Path path() {
        return Written.PATH;
    }

    private static final class Written {
        static final Path PATH = write();
    }

    private static Path write() {
        try {
            // createTempFile makes the file readable by its owner only, where the file system has permissions.
            Path file = Files.createTempFile("iamdb-aws-trust-", ".p12");
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                AwsTrust.anchors(true).store(out, PASSWORD.toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the trust store for MySQL/MariaDB TLS to the temporary directory", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
