package dev.iamdb.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities an AWS database endpoint is verified with: the JDK's (Amazon Root CA 1–4 and
 * Starfield sign Aurora DSQL and RDS Proxy certificates) and, for RDS, Amazon RDS's own (which sign RDS and
 * Aurora instance and cluster endpoints, and which no JDK trusts), bundled as {@code rds-ca-bundle.pem}.
 */
final class AwsTrust {
    static final String RDS_BUNDLE = "/dev/iamdb/rds-ca-bundle.pem";

    private AwsTrust() {
    }

    static SSLContext context(String trust) {
        return Boolean.parseBoolean(trust) ? WithRds.CONTEXT : JdkOnly.CONTEXT;
    }

    /** Built on first use, so that a DSQL connection never depends on reading the RDS bundle. */
    private static final class JdkOnly {
        static final SSLContext CONTEXT = context(false);
    }

    private static final class WithRds {
        static final SSLContext CONTEXT = context(true);
    }

    /** Built once per JVM: the JDK's trust store and the bundle do not change while it runs. */
    private static SSLContext context(boolean withRds) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustManager(withRds)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static X509TrustManager trustManager(boolean withRds) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors(withRds));
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    /** The trusted certificates as a PKCS12 store, which is also what {@link AwsTrustStore} writes for drivers that read files. */
    static KeyStore anchors(boolean withRds) throws GeneralSecurityException {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = 0;
        for (X509Certificate jdk : defaultTrustManager().getAcceptedIssuers()) {
            anchors.setCertificateEntry("jdk-" + n++, jdk);
        }
        if (withRds) {
            for (Certificate rds : rdsCertificates()) {
                anchors.setCertificateEntry("rds-" + n++, rds);
            }
        }
        return anchors;
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    static List<Certificate> rdsCertificates() throws GeneralSecurityException {
        try (InputStream in = AwsTrust.class.getResourceAsStream(RDS_BUNDLE)) {
            if (in == null) {
                throw new IllegalStateException("iamdb-core is incomplete: " + RDS_BUNDLE + " is missing");
            }
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return new ArrayList<>(all);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RDS_BUNDLE, e);
        }
    }
}
