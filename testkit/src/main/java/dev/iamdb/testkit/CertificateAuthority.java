package dev.iamdb.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The testkit's certificate authority and the gateway's server certificates, so that clients verify the
 * gateway with {@code sslmode=verify-full} exactly as they verify AWS. The CA is throw-away unless kept in
 * a directory; server certificates are minted per start. Public for the MySQL gateway of
 * {@code iamdb-testkit-mysql}, whose clients verify it the same way. Test use only.
 */
public final class CertificateAuthority {

    static final String CERTIFICATE_FILE = "ca.pem";
    static final String KEY_FILE = "ca-key.pem";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(30);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final PrivateKey key;
    private final X509Certificate certificate;
    /** The CA certificate as PEM, the file clients give as {@code sslrootcert}. */
    final Path pemFile;

    private CertificateAuthority(PrivateKey key, X509Certificate certificate, Path pemFile) {
        this.key = key;
        this.certificate = certificate;
        this.pemFile = pemFile;
    }

    /** A new CA whose certificate is written to {@code pemFile}; its key lives only in memory. */
    public static CertificateAuthority mint(Path pemFile) throws IOException {
        KeyPair keys = generateKeys();
        X509Certificate cert = caCertificate(keys);
        writeAtomically(pemFile, pem(cert), "rw-r--r--");
        return new CertificateAuthority(keys.getPrivate(), cert, pemFile);
    }

    /**
     * The CA kept in {@code directory} ({@value #CERTIFICATE_FILE} and {@value #KEY_FILE}), created there on first
     * use, so that clients trusting it keep working when the server restarts.
     */
    public static CertificateAuthority loadOrCreate(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path certFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        // The class lock serialises starts in this JVM, so that only one channel here ever holds the file lock
        // (closing a second channel would release it); the file lock serialises starts in other processes.
        synchronized (CertificateAuthority.class) {
            try (FileChannel lockFile = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                boolean hasCert = Files.exists(certFile);
                if (hasCert != Files.exists(keyFile)) {
                    throw new IllegalArgumentException("caDirectory: " + directory + " holds "
                            + (hasCert ? CERTIFICATE_FILE + " but not " + KEY_FILE : KEY_FILE + " but not " + CERTIFICATE_FILE)
                            + "; restore the missing file, or delete the other one to mint a new CA");
                }
                if (hasCert) {
                    return load(certFile, keyFile);
                }
                KeyPair keys = generateKeys();
                X509Certificate cert = caCertificate(keys);
                StringWriter keyPem = new StringWriter();
                try (JcaPEMWriter writer = new JcaPEMWriter(keyPem)) {
                    writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
                }
                // Key first: a crash in between leaves a key alone, which the check above reports.
                writeAtomically(keyFile, keyPem.toString(), "rw-------");
                writeAtomically(certFile, pem(cert), "rw-r--r--");
                return new CertificateAuthority(keys.getPrivate(), cert, certFile);
            }
        }
    }

    private static CertificateAuthority load(Path certFile, Path keyFile) throws IOException {
        X509Certificate cert;
        PrivateKey key;
        try (InputStream in = Files.newInputStream(certFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("caDirectory: " + certFile + " is not a PEM certificate", e);
        }
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII))) {
            Object parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PEMKeyPair) {
                key = converter.getPrivateKey(((PEMKeyPair) parsed).getPrivateKeyInfo());
            } else if (parsed instanceof PrivateKeyInfo) {
                key = converter.getPrivateKey((PrivateKeyInfo) parsed);
            } else {
                throw new IllegalArgumentException("caDirectory: " + keyFile + " is not an unencrypted PEM private key");
            }
        }
        if (cert.getBasicConstraints() < 0 || !matches(key, cert)) {
            throw new IllegalArgumentException("caDirectory: " + certFile + " is not a CA certificate for the key in "
                    + keyFile + "; delete both to mint a new CA");
        }
        if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
            throw new IllegalArgumentException("caDirectory: the CA in " + certFile + " expired on "
                    + cert.getNotAfter().toInstant() + "; delete " + CERTIFICATE_FILE + " and " + KEY_FILE
                    + " to mint a new one (clients must then trust the new " + CERTIFICATE_FILE + ")");
        }
        return new CertificateAuthority(key, cert, certFile);
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        try {
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate's PEM file, for clients' trust settings. */
    public Path pemFile() {
        return pemFile;
    }

    /**
     * A server TLS context with a new certificate for {@code names} (IPv4 literals become IP address entries),
     * issued by this CA, or self-signed so that no client trusting this CA accepts it.
     */
    public SSLContext serverContext(List<String> names, boolean selfSigned) throws IOException {
        try {
            KeyPair serverKeys = generateKeys();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + names.get(0).replace(",", "\\,"));
            X500Name issuer = selfSigned ? subject : X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SERVER_VALIDITY)), subject,
                    serverKeys.getPublic());
            server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            GeneralName[] altNames = names.stream()
                    .map(n -> new GeneralName(IPV4.matcher(n).matches() ? GeneralName.iPAddress : GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
            PrivateKey signingKey = selfSigned ? serverKeys.getPrivate() : key;
            X509Certificate serverCert = new JcaX509CertificateConverter()
                    .getCertificate(server.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)));

            char[] password = new char[0];
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", serverKeys.getPrivate(), password, selfSigned
                    ? new X509Certificate[] {serverCert} : new X509Certificate[] {serverCert, certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, RANDOM);
            return context;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not mint the gateway's TLS certificate", e);
        }
    }

    private static KeyPair generateKeys() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("could not generate a TLS key", e);
        }
    }

    private static X509Certificate caCertificate(KeyPair keys) throws IOException {
        try {
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=iamdb testkit CA " + serial().toString(16));
            JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new JcaX509CertificateConverter()
                    .getCertificate(ca.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not mint the testkit's CA certificate", e);
        }
    }

    private static String pem(X509Certificate cert) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(cert);
        }
        return pem.toString();
    }

    /** Readers never see a half-written file: the content goes to a temporary file that is then renamed. */
    private static void writeAtomically(Path file, String content, String permissions) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the platform's default permissions apply.
            }
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }
}
