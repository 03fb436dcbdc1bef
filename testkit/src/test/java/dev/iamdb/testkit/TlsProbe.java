package dev.iamdb.testkit;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS handshake with the gateway as a verify-full client makes it: PostgreSQL's SSLRequest, then the chain checked
 * against the given trust and the certificate's names against {@code expectedHost} (HTTPS rules), the check a client
 * reaching AWS through a tunnel makes against the signed host. Sends nothing after the handshake.
 */
final class TlsProbe {

    private TlsProbe() {
    }

    /** The gateway's certificate chain; throws {@link javax.net.ssl.SSLHandshakeException} if the check fails. */
    static X509Certificate[] handshake(LocalIamDatabase db, String expectedHost, SSLContext trust)
            throws IOException {
        try (Socket raw = new Socket(db.host(), db.port())) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.writeInt(8);
            out.writeInt(PgWire.SSL_REQUEST);
            out.flush();
            InputStream in = raw.getInputStream();
            if (in.read() != 'S') {
                throw new IOException("the gateway declined TLS");
            }
            try (SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(raw, expectedHost, db.port(), false)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                return (X509Certificate[]) tls.getSession().getPeerCertificates();
            }
        }
    }

    /** Trusts only the certificates in {@code pemFile}, as {@code sslrootcert} does. */
    static SSLContext trusting(Path pemFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pemFile)) {
            int i = 0;
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The JDK's own trust store only, as a client with default settings has. */
    static SSLContext jdkTrust() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
