package dev.iamdb;

import dev.iamdb.tls.AwsTrustSocketFactory;
import dev.iamdb.tls.SignedHostVerifier;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS step of {@link ConnectionCheck}: a handshake with the trust the connection itself would use (iamdb's
 * {@link AwsTrustSocketFactory}, or the user's {@code sslrootcert}), then the certificate's names checked by
 * {@link SignedHostVerifier}, as pgjdbc would. When the handshake fails the server's chain is fetched once more
 * without judging it, to say who issued it. PostgreSQL's protocol only: MySQL and MariaDB negotiate TLS inside their
 * login, which the login step covers.
 */
final class TlsProbe {
    private static final int SSL_REQUEST_CODE = 80877103;
    private static final String PGJDBC_JDK_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";

    private final IamConfig config;
    private final int timeoutMillis;
    private final Properties properties = new Properties();

    TlsProbe(IamConfig config, int timeoutMillis) {
        this.config = config;
        this.timeoutMillis = timeoutMillis;
        properties.putAll(config.driverProperties());
        config.driver().applyDefaults(config, properties);
    }

    /** Adds the tls step; false when it failed. */
    boolean check(List<ConnectionCheck.Step> steps) {
        if (!(config.driver() instanceof PostgresqlDriver)) {
            steps.add(step(ConnectionCheck.Status.NOT_CHECKED, "jdbc:" + config.driver().subprotocol()
                    + ": negotiates TLS inside the login, which the login step checks", null));
            return true;
        }
        String mode = setting("sslmode");
        mode = mode == null ? "prefer" : mode.toLowerCase(Locale.ROOT);
        if (mode.equals("disable") || mode.equals("allow")) {
            steps.add(step(ConnectionCheck.Status.NOT_CHECKED, "sslmode=" + mode + ": the token is sent without TLS, "
                    + "which Aurora DSQL refuses and anyone on the path can read", null));
            return true;
        }
        boolean verifies = mode.equals("verify-ca") || mode.equals("verify-full");
        String trustName;
        SSLSocketFactory trust;
        try {
            String factory = setting("sslfactory");
            String rootCert = setting("sslrootcert");
            if (!verifies) {
                trustName = null;
                trust = null;
            } else if (AwsTrustSocketFactory.class.getName().equals(factory)) {
                trustName = "iamdb's trust (the JDK's CAs" + (config.service() == IamService.RDS ? " and Amazon RDS's)" : ")");
                trust = new AwsTrustSocketFactory(properties);
            } else if (PGJDBC_JDK_FACTORY.equals(factory)) {
                trustName = "the JDK's trust store";
                trust = (SSLSocketFactory) SSLSocketFactory.getDefault();
            } else if (factory == null && rootCert != null) {
                trustName = "sslrootcert " + rootCert;
                trust = rootCertFactory(Path.of(rootCert));
            } else {
                trustName = null;
                trust = null;
            }
        } catch (IOException | GeneralSecurityException e) {
            steps.add(step(ConnectionCheck.Status.FAILED, "cannot read the trusted certificates: " + ConnectionCheck.firstLine(e),
                    config.driver().tlsAdvice()));
            return false;
        }
        if (trust == null) {
            List<X509Certificate> chain = new ArrayList<>();
            String error;
            try {
                error = describeChain(chain);
            } catch (NotOffered e) {
                if (mode.equals("prefer") && config.service() != IamService.DSQL) {
                    // pgjdbc falls back to a connection without TLS, so the login goes ahead; doctor says what it risks.
                    steps.add(step(ConnectionCheck.Status.NOT_CHECKED, "the server does not offer TLS, so with sslmode=prefer "
                            + "the token is sent without TLS, where anyone on the path can read it", null));
                    return true;
                }
                return notOffered(steps, mode, e);
            }
            if (error != null) {
                steps.add(step(ConnectionCheck.Status.FAILED, error, config.driver().tlsAdvice()));
                return false;
            }
            String why = verifies ? "sslfactory " + setting("sslfactory") + " decides trust, which is checked at login"
                    : "sslmode=" + mode + " checks neither who issued the certificate nor its names";
            steps.add(step(ConnectionCheck.Status.NOT_CHECKED, chainText(chain) + "; not verified: " + why, null));
            return true;
        }
        try (SSLSocket socket = handshake(trust)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : socket.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            String text = chainText(chain) + ", trusted by " + trustName;
            if (mode.equals("verify-full")) {
                String verifier = setting("sslhostnameverifier");
                if (SignedHostVerifier.class.getName().equals(verifier)) {
                    if (!new SignedHostVerifier(properties).verify(config.host(), socket.getSession())) {
                        steps.add(step(ConnectionCheck.Status.FAILED, chainText(chain) + ": it does not name the signed host "
                                + config.signedHost(), "The server is not the endpoint the token is for: connect to that "
                                + "endpoint, or set iamHost to the name its certificate carries. " + config.driver().tlsAdvice()));
                        return false;
                    }
                    text += ", names the signed host " + config.signedHost();
                } else {
                    text += "; names checked by sslhostnameverifier " + verifier + " at login";
                }
            }
            steps.add(step(ConnectionCheck.Status.PASSED, text, null));
            return true;
        } catch (NotOffered e) {
            return notOffered(steps, mode, e);
        } catch (IOException e) {
            List<X509Certificate> chain = new ArrayList<>();
            String error;
            try {
                error = describeChain(chain);
            } catch (NotOffered notOffered) {
                return notOffered(steps, mode, notOffered);
            }
            String found = error != null ? error : chainText(chain);
            steps.add(step(ConnectionCheck.Status.FAILED, found + ": not trusted by " + trustName + " ("
                    + ConnectionCheck.firstLine(e) + ")", config.driver().tlsAdvice()));
            return false;
        }
    }

    /**
     * Fills {@code chain} with the server's certificates, trusted or not; returns what went wrong, or null.
     *
     * @throws NotOffered when the server answers PostgreSQL's SSLRequest with a refusal
     */
    private String describeChain(List<X509Certificate> chain) throws NotOffered {
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // Accepts any chain, only to show it: this socket sends nothing after the handshake and is closed at once.
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] certificates, String authType) {
                    throw new UnsupportedOperationException("a client trust manager");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] certificates, String authType) {
                    seen.set(certificates.clone());
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket ignored = handshake(context.getSocketFactory())) {
                // Null when the handshake authenticated the server without a certificate: chainText says so.
                X509Certificate[] certificates = seen.get();
                if (certificates != null) {
                    chain.addAll(List.of(certificates));
                }
                return null;
            }
        } catch (GeneralSecurityException e) {
            return "the JDK cannot set up TLS: " + ConnectionCheck.firstLine(e);
        } catch (NotOffered e) {
            throw e;
        } catch (IOException e) {
            return "TLS handshake with " + config.host() + ":" + config.port() + " failed: " + ConnectionCheck.firstLine(e);
        }
    }

    /**
     * Fails the step for a server without TLS where the connection needs it: sslmode require or stronger, or Aurora
     * DSQL, which always offers TLS, so that a server without it is not the cluster (or something on the path strips
     * TLS). The token is not sent.
     */
    private boolean notOffered(List<ConnectionCheck.Step> steps, String mode, NotOffered e) {
        String why = config.service() == IamService.DSQL
                ? "; Aurora DSQL always offers it, so this is not the cluster's endpoint, or something on the path (a proxy, "
                        + "a tunnel) removes TLS"
                : "; sslmode=" + mode + " requires it";
        steps.add(step(ConnectionCheck.Status.FAILED, e.getMessage() + why + ". The token was not sent.",
                config.driver().tlsAdvice()));
        return false;
    }

    /** The server answered PostgreSQL's SSLRequest with 'N' (or not at all): it offers no TLS. */
    private static final class NotOffered extends SSLException {
        NotOffered(String message) {
            super(message);
        }
    }

    /** PostgreSQL's SSLRequest, then the handshake; the host given to the factory is the one pgjdbc would give. */
    private SSLSocket handshake(SSLSocketFactory factory) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(config.host(), config.port()), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(plain.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST_CODE);
            out.flush();
            int answer = new DataInputStream(plain.getInputStream()).read();
            if (answer != 'S') {
                throw new NotOffered("the server does not offer TLS (it answered "
                        + (answer < 0 ? "nothing" : "'" + (char) answer + "'") + " to PostgreSQL's SSLRequest)");
            }
            SSLSocket socket = (SSLSocket) factory.createSocket(plain, config.host(), config.port(), true);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** pgjdbc's sslrootcert: PEM or DER certificates, every one of them a trust anchor. */
    private static SSLSocketFactory rootCertFactory(Path file) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        int n = 0;
        for (Certificate c : certificates) {
            anchors.setCertificateEntry("root-" + n++, c);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static String chainText(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return "the server sent no certificate";
        }
        X509Certificate leaf = chain.get(0);
        boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
        return "certificate " + leaf.getSubjectX500Principal().getName() + " for " + names(leaf) + ", issued by "
                + (selfSigned ? "itself (self-signed)" : leaf.getIssuerX500Principal().getName()) + ", valid until "
                + leaf.getNotAfter().toInstant() + ", chain of " + chain.size();
    }

    private static List<String> names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    names.add(name.get(1).toString());
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            names.add("(unreadable names)");
        }
        return names;
    }

    /** A driver setting as pgjdbc would see it: given as a property, set by iamdb's defaults, or in the URL. */
    private String setting(String name) {
        String value = properties.getProperty(name);
        return value != null ? value : config.userDriverSetting(name);
    }

    private static ConnectionCheck.Step step(ConnectionCheck.Status status, String detail, String fix) {
        return new ConnectionCheck.Step("tls", status, detail, fix);
    }
}
